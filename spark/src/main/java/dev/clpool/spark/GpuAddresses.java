package dev.clpool.spark;

import dev.clpool.opencl.DeviceInfo;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Maps the GPU addresses a cluster manager assigns to an executor (what its discovery script printed) to
 * OpenCL devices: by PCI bus id ({@code 0000:17:00.0}, as {@code nvidia-smi --query-gpu=pci.bus_id} prints
 * it) or UUID ({@code GPU-5f3c...}, {@code nvidia-smi --query-gpu=uuid}) where the driver reports them, else
 * by index among the OpenCL GPUs; a container that shows one GPU gets that one whatever the address says.
 */
public final class GpuAddresses {
    private static final Pattern PCI = Pattern.compile(
            "(?:([0-9a-f]{1,8}):)?([0-9a-f]{1,2}):([0-9a-f]{1,2})\\.([0-7])");
    private static final Pattern UUID = Pattern.compile("(?:gpu-)?([0-9a-f-]{32,36})");
    private static final Pattern INDEX = Pattern.compile("[0-9]{1,9}");

    /** How an address was matched to a device, for the log. */
    public enum MatchedBy {
        PCI_BUS_ID("PCI bus id"),
        UUID("UUID"),
        INDEX("index among the OpenCL GPUs"),
        ONLY_GPU("being the only OpenCL GPU visible");

        private final String text;

        MatchedBy(String text) {
            this.text = text;
        }

        @Override
        public String toString() {
            return text;
        }
    }

    /** One address and the device it names. */
    public record Match(String address, DeviceInfo device, MatchedBy matchedBy) {
        /** {@code GPU 0000:17:00.0 -> OpenCL NVIDIA H200 (NVIDIA CUDA, GPU, 0:0), matched by PCI bus id}. */
        public String describe() {
            return "GPU " + address + " -> OpenCL " + device.describe() + ", matched by " + matchedBy;
        }
    }

    private GpuAddresses() {
    }

    /**
     * The device of each address, in the addresses' order.
     *
     * @param devices every OpenCL device, as {@code OpenClDevices.list()} reports them; only GPUs are matched
     * @throws IllegalArgumentException naming the address when no GPU matches it, listing the GPUs
     */
    public static List<Match> match(List<String> addresses, List<DeviceInfo> devices) {
        List<DeviceInfo> gpus = devices.stream().filter(DeviceInfo::isGpu).toList();
        if (gpus.isEmpty()) {
            throw new IllegalArgumentException("GPU addresses " + addresses + ": OpenCL sees no GPU; its devices: "
                    + describe(devices));
        }
        return addresses.stream().map(a -> match(a, gpus)).toList();
    }

    private static Match match(String address, List<DeviceInfo> gpus) {
        String a = address.strip().toLowerCase(Locale.ROOT);
        Optional<DeviceInfo> found = pciBusId(a).flatMap(id -> first(gpus, g -> g.pciBusId().equals(id)));
        if (found.isPresent()) {
            return new Match(address, found.get(), MatchedBy.PCI_BUS_ID);
        }
        found = uuid(a).flatMap(id -> first(gpus, g -> g.uuid().equals(id)));
        if (found.isPresent()) {
            return new Match(address, found.get(), MatchedBy.UUID);
        }
        if (INDEX.matcher(a).matches() && Integer.parseInt(a) < gpus.size()) {
            return new Match(address, gpus.get(Integer.parseInt(a)), MatchedBy.INDEX);
        }
        if (gpus.size() == 1) {
            return new Match(address, gpus.get(0), MatchedBy.ONLY_GPU);
        }
        throw new IllegalArgumentException("GPU address '" + address + "': no OpenCL GPU has it as PCI bus id, UUID or index"
                + " (0 to " + (gpus.size() - 1) + "); OpenCL GPUs: " + describe(gpus));
    }

    /** {@code dddd:bb:dd.f} as {@link DeviceInfo#pciBusId()} writes it, from nvidia-smi's 8-digit domain too. */
    static Optional<String> pciBusId(String address) {
        Matcher m = PCI.matcher(address);
        if (!m.matches()) {
            return Optional.empty();
        }
        long domain = m.group(1) == null ? 0 : Long.parseLong(m.group(1), 16);
        return Optional.of(String.format(Locale.ROOT, "%04x:%02x:%02x.%s", domain, Integer.parseInt(m.group(2), 16),
                Integer.parseInt(m.group(3), 16), m.group(4)));
    }

    /** 32 hex digits as {@link DeviceInfo#uuid()} writes them, from {@code GPU-xxxxxxxx-xxxx-...} too. */
    static Optional<String> uuid(String address) {
        Matcher m = UUID.matcher(address);
        if (!m.matches()) {
            return Optional.empty();
        }
        String hex = m.group(1).replace("-", "");
        return hex.length() == 32 ? Optional.of(hex) : Optional.empty();
    }

    private static Optional<DeviceInfo> first(List<DeviceInfo> gpus, Predicate<DeviceInfo> test) {
        return gpus.stream().filter(test).findFirst();
    }

    private static String describe(List<DeviceInfo> devices) {
        if (devices.isEmpty()) {
            return "none";
        }
        return devices.stream().map(d -> d.describe() + identity(d)).collect(Collectors.joining("; "));
    }

    private static String identity(DeviceInfo d) {
        String pci = d.pciBusId().isEmpty() ? "" : " PCI " + d.pciBusId();
        String uuid = d.uuid().isEmpty() ? "" : " UUID " + d.uuid();
        return pci.isEmpty() && uuid.isEmpty() ? " (no PCI bus id or UUID reported)" : pci + uuid;
    }
}
