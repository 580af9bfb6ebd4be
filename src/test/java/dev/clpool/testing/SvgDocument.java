package dev.clpool.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;
import org.xml.sax.SAXException;

/** An SVG file parsed as XML, with the look-ups the picture tests need: groups by class, their elements and texts. */
public final class SvgDocument {
    public static final String NAMESPACE = "http://www.w3.org/2000/svg";

    private final Element root;

    private SvgDocument(Element root) {
        this.root = root;
    }

    /** Parses {@code svg}, failing the test where it is not well-formed XML with an {@code <svg>} root. */
    public static SvgDocument parse(String svg) {
        try {
            DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
            factory.setNamespaceAware(true);
            factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            Document doc = factory.newDocumentBuilder().parse(new ByteArrayInputStream(svg.getBytes(StandardCharsets.UTF_8)));
            Element root = doc.getDocumentElement();
            assertEquals(NAMESPACE, root.getNamespaceURI(), "the SVG namespace");
            assertEquals("svg", root.getLocalName());
            return new SvgDocument(root);
        } catch (ParserConfigurationException | SAXException | IOException e) {
            throw new AssertionError("not well-formed SVG: " + e.getMessage() + "\n" + svg, e);
        }
    }

    public static SvgDocument read(Path file) throws IOException {
        return parse(Files.readString(file));
    }

    /** The document's title: the text of the root's {@code <title>}. */
    public String title() {
        return children(root, "title").get(0).getTextContent();
    }

    public double width() {
        return Double.parseDouble(root.getAttribute("width"));
    }

    public double height() {
        return Double.parseDouble(root.getAttribute("height"));
    }

    /** Every element named {@code name} in the document. */
    public List<Element> all(String name) {
        return list(root.getElementsByTagNameNS(NAMESPACE, name));
    }

    /** The groups whose {@code class} is {@code className}. */
    public List<Element> groups(String className) {
        return all("g").stream().filter(g -> g.getAttribute("class").equals(className)).toList();
    }

    /** The elements named {@code name} in the groups of class {@code className}, in document order. */
    public List<Element> in(String className, String name) {
        List<Element> found = new ArrayList<>();
        for (Element g : groups(className)) {
            found.addAll(list(g.getElementsByTagNameNS(NAMESPACE, name)));
        }
        return found;
    }

    /** The texts of the {@code <text>} elements in the groups of class {@code className}. */
    public List<String> texts(String className) {
        return in(className, "text").stream().map(Element::getTextContent).toList();
    }

    /** The texts of every {@code <text>} element. */
    public List<String> texts() {
        return all("text").stream().map(Element::getTextContent).toList();
    }

    /** The tooltip of an element: its {@code <title>} child's text. */
    public static String tooltip(Element e) {
        List<Element> titles = children(e, "title");
        return titles.isEmpty() ? null : titles.get(0).getTextContent();
    }

    public static double number(Element e, String attribute) {
        return Double.parseDouble(e.getAttribute(attribute));
    }

    /** An attribute of {@code e} or, where it has none, of the nearest group around it that has it. */
    public static String inherited(Element e, String attribute) {
        for (Node n = e; n instanceof Element el; n = n.getParentNode()) {
            if (el.hasAttribute(attribute)) {
                return el.getAttribute(attribute);
            }
        }
        return null;
    }

    private static List<Element> children(Element parent, String name) {
        List<Element> found = new ArrayList<>();
        for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element e && name.equals(e.getLocalName())) {
                found.add(e);
            }
        }
        return found;
    }

    private static List<Element> list(NodeList nodes) {
        List<Element> found = new ArrayList<>();
        for (int i = 0; i < nodes.getLength(); i++) {
            found.add((Element) nodes.item(i));
        }
        return found;
    }
}
