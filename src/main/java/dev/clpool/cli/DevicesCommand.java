package dev.clpool.cli;

import dev.clpool.DeviceSelector;
import dev.clpool.opencl.DeviceInfo;
import dev.clpool.opencl.OpenClDevices;
import dev.clpool.opencl.OpenClLoader;
import dev.clpool.opencl.OpenClUnavailableException;
import java.io.PrintWriter;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code devices}: what OpenCL offers here, and which device {@code auto} picks. */
@Command(name = "devices", usageHelpAutoWidth = true,
        description = {
            "Lists the OpenCL platforms and devices (name, type, vendor, version, compute units, global memory, "
                    + "largest allocation, local memory), marks with * the one that --device auto and opencl pick, and "
                    + "names the OpenCL library loaded (see -Dclpool.opencl.library). "
                    + "Any device can be named with --device P:D or part of its name.",
            "Without OpenCL it says what is missing and how to install it, and still exits 0: the Java path "
                    + "(--device cpu) always works.",
            "With --split, pools a 64 MiB sample on several devices together and shows how they split it.",
        },
        footerHeading = "%nExamples:%n",
        footer = {"  clpool devices", "  clpool demo --device 0:0", "  clpool devices --split 0:0,0:1"})
final class DevicesCommand implements Callable<Integer> {
    /** Where the devices come from; tests replace it. */
    interface Inventory {
        List<DeviceInfo> list();

        DeviceInfo automaticChoice();

        /** The OpenCL library in use, once {@link #list()} has loaded one. */
        default Optional<OpenClLoader.Library> library() {
            return OpenClLoader.current();
        }
    }

    private static final Inventory OPENCL = new Inventory() {
        @Override
        public List<DeviceInfo> list() {
            return OpenClDevices.list();
        }

        @Override
        public DeviceInfo automaticChoice() {
            return OpenClDevices.automaticChoice();
        }
    };

    @Spec
    private CommandSpec spec;

    @Option(names = "--split", paramLabel = "DEVICES", converter = Converters.Device.class,
            description = "Several OpenCL devices (0:0,0:1, or gpus) to pool a sample on together: prints each one's "
                    + "chunks, bytes and share, and the time against each device alone.")
    private DeviceSelector split;

    private final Inventory inventory;

    DevicesCommand() {
        this(OPENCL);
    }

    DevicesCommand(Inventory inventory) {
        this.inventory = inventory;
    }

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        List<DeviceInfo> devices;
        DeviceInfo automatic;
        try {
            devices = inventory.list();
            automatic = inventory.automaticChoice();
        } catch (OpenClUnavailableException e) {
            out.println("OpenCL: not available: " + e.getMessage());
            if (!e.getMessage().contains(OpenClUnavailableException.INSTALL_HINT)) {
                out.println("To use OpenCL: " + OpenClUnavailableException.INSTALL_HINT + ".");
            }
            out.println("Pooling still works on the Java path: --device cpu, or --device auto, which falls back to it.");
            return ExitCodes.OK;
        }
        TextTable table = new TextTable(new String[] {"", "DEVICE", "PLATFORM", "NAME", "TYPE", "VENDOR", "VERSION",
            "COMPUTE UNITS", "GLOBAL MEMORY", "MAX ALLOCATION", "LOCAL MEMORY"},
                false, false, false, false, false, false, false, true, true, true, true);
        for (DeviceInfo d : devices) {
            table.row(d.index().equals(automatic.index()) ? "*" : "", d.index(), d.platformName(), d.name(), d.type(),
                    d.vendor(), d.version(), d.computeUnits(), bytes(d.globalMemoryBytes()), bytes(d.maxAllocationBytes()),
                    bytes(d.localMemoryBytes()));
        }
        table.print(out, "");
        out.println("* automatic choice (--device auto or opencl): " + automatic.describe());
        inventory.library().ifPresent(l -> out.println("OpenCL library: " + l));
        out.println("Also available: --device cpu, the Java path.");
        if (devices.size() > 1) {
            out.println("Several devices share each call's planes: --device 0:0,0:1 (or gpus); see devices --split.");
        }
        if (split != null) {
            out.print(SampleSplit.run(split));
        }
        return ExitCodes.OK;
    }

    /** {@code 64 KiB}, {@code 15.5 GiB}. */
    static String bytes(long n) {
        String[] units = {"B", "KiB", "MiB", "GiB", "TiB"};
        double v = n;
        int u = 0;
        while (v >= 1024 && u < units.length - 1) {
            v /= 1024;
            u++;
        }
        return u == 0 ? n + " B" : (v == Math.rint(v) ? String.format(Locale.ROOT, "%.0f %s", v, units[u])
                : String.format(Locale.ROOT, "%.1f %s", v, units[u]));
    }
}
