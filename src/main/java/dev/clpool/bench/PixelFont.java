package dev.clpool.bench;

import java.awt.Graphics2D;

/**
 * A 6x11 pixel font for ASCII, so that charts can be drawn on machines without fonts (server and GPU
 * images often lack fontconfig, and AWT's text then fails). Glyphs were rendered from DejaVu Sans Mono
 * (Bitstream Vera licence) at 10 px; each row of a glyph is one character of {@link #ROWS}, its index
 * the row's six pixels as bits, left pixel highest.
 */
final class PixelFont {
    static final int WIDTH = 6;
    static final int HEIGHT = 11;
    /** Rows above the baseline, where a string's y coordinate goes. */
    static final int ASCENT = 8;
    private static final String ROWS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    private static final String[] GLYPHS = {
        "AAAAAAAAAAA", //  
        "AEEEEEAEAAA", // !
        "AKKKAAAAAAA", // "
        "AKKfU+UUAAA", // #
        "AEPUcHFeEAA", // $
        "A4o6MXFHAAA", // %
        "AOIMVTSNAAA", // &
        "AEEEAAAAAAA", // '
        "EIIIIIIIEAA", // (
        "IIEEEEEIIAA", // )
        "AVOOVAAAAAA", // *
        "AAEEfEEAAAA", // +
        "AAAAAAAIIIA", // ,
        "AAAAAOAAAAA", // -
        "AAAAAAAIAAA", // .
        "ABCCEEIIQAA", // /
        "AORRVRROAAA", // 0
        "AcEEEEEfAAA", // 1
        "AORBDGIfAAA", // 2
        "AORBOBROAAA", // 3
        "ACGKafCCAAA", // 4
        "AeQeBBBeAAA", // 5
        "APYQeRROAAA", // 6
        "AfDCCEEIAAA", // 7
        "AORRORROAAA", // 8
        "AORRPBDeAAA", // 9
        "AAAIAAAIAAA", // :
        "AAAIAAAIIIA", // ;
        "AABOQOBAAAA", // <
        "AAA+A+AAAAA", // =
        "AAQOBOQAAAA", // >
        "AeCEIIAIAAA", // ?
        "AOJXVVVXIGA", // @
        "AEEKKORRAAA", // A
        "AeRReRReAAA", // B
        "APZQQQZPAAA", // C
        "AeTRRRTeAAA", // D
        "AfQQfQQfAAA", // E
        "AfQQfQQQAAA", // F
        "AOZQTRZPAAA", // G
        "ARRRfRRRAAA", // H
        "AfEEEEEfAAA", // I
        "AOCCCCSMAAA", // J
        "ARSUYUSRAAA", // K
        "AQQQQQQfAAA", // L
        "ARbbVRRRAAA", // M
        "ARZZVTTRAAA", // N
        "AORRRRROAAA", // O
        "AeRReQQQAAA", // P
        "AORRRRRODAA", // Q
        "AeRReTRQAAA", // R
        "AORQOBROAAA", // S
        "AfEEEEEEAAA", // T
        "ARRRRRROAAA", // U
        "ARRKKKEEAAA", // V
        "AhtteSSSAAA", // W
        "ARKKEKKRAAA", // X
        "ARKKEEEEAAA", // Y
        "AfCCEIIfAAA", // Z
        "MIIIIIIIMAA", // [
        "AQIIEECCBAA", // backslash
        "MEEEEEEEMAA", // ]
        "AIUiAAAAAAA", // ^
        "AAAAAAAAA/A", // _
        "QIAAAAAAAAA", // `
        "AAAeBPRfAAA", // a
        "QQQeRRReAAA", // b
        "AAAOQQQOAAA", // c
        "BBBPRRRPAAA", // d
        "AAAORfQPAAA", // e
        "GIIeIIIIAAA", // f
        "AAAPRRRPBOA", // g
        "QQQWZRRRAAA", // h
        "EAAMEEEfAAA", // i
        "EAAcEEEEEYA", // j
        "QQQSUcSRAAA", // k
        "4IIIIIIGAAA", // l
        "AAAfVVVVAAA", // m
        "AAAWZRRRAAA", // n
        "AAAORRROAAA", // o
        "AAAeRRReQQA", // p
        "AAAPRRRPBBA", // q
        "AAAPJIIIAAA", // r
        "AAAPQPBeAAA", // s
        "AIIeIIIOAAA", // t
        "AAARRRRPAAA", // u
        "AAARKKKEAAA", // v
        "AAARVKKKAAA", // w
        "AAAbKEKbAAA", // x
        "AAARKKEEEYA", // y
        "AAAfCEIfAAA", // z
        "GEEEYEEEGAA", // {
        "EEEEEEEEEEA", // |
        "MEEEDEEEMAA", // }
        "AAAAcDAAAAA", // ~
    };

    private PixelFont() {
    }

    /**
     * Draws {@code text} with its baseline at {@code y}, in the graphics' colour and transform, each
     * font pixel {@code scale} pixels wide. Non-ASCII arrows and times signs become {@code ->} and
     * {@code x}; other characters outside ASCII become {@code ?}.
     */
    static void draw(Graphics2D g, String text, int x, int y, int scale) {
        String ascii = text.replace("\u2192", "->").replace('\u00d7', 'x');
        for (int i = 0; i < ascii.length(); i++) {
            char c = ascii.charAt(i);
            String glyph = GLYPHS[(c >= 32 && c < 127 ? c : '?') - 32];
            for (int row = 0; row < HEIGHT; row++) {
                int bits = ROWS.indexOf(glyph.charAt(row));
                for (int col = 0; col < WIDTH; col++) {
                    if ((bits & (1 << (WIDTH - 1 - col))) != 0) {
                        g.fillRect(x + (i * WIDTH + col) * scale, y + (row - ASCENT) * scale, scale, scale);
                    }
                }
            }
        }
    }

    /** The width of {@code text} in pixels at {@code scale}. */
    static int width(String text, int scale) {
        return text.replace("\u2192", "->").length() * WIDTH * scale;
    }
}
