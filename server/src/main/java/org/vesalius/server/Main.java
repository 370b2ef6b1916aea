package org.vesalius.server;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import org.vesalius.server.cli.ImportCommand;
import org.vesalius.server.cli.ReconcileCommand;
import org.vesalius.server.config.ConfigLoader;
import org.vesalius.server.config.ServerConfig;

/** The command line: {@code vesalius serve | import DIR | reconcile | --help}. */
public final class Main {
    static final String USAGE = """
            Usage: vesalius COMMAND [OPTIONS]

            Commands:
              serve             run the server (DIMSE + HTTP) until interrupted
              import DIR        store every DICOM file under DIR, with a progress bar
              reconcile [--fix] compare index and blob store: index rows without a blob, blobs
                                without an index row (orphans); --fix removes both kinds
              --help            show this help

            Options (also as environment variables, e.g. VESALIUS_HTTP_PORT):
              --http-port N     HTTP port (default 8080)
              --http-host ADDR  HTTP listening address (default 127.0.0.1)
              --dicom-port N    DICOM port (default 11112)
              --aet AET         the archive's AE title (default VESALIUS)
              --data-dir DIR    data folder of the embedded default (default ./data)
              --config FILE     a YAML file overriding conf/application.yaml
              --insecure        allow a non-loopback address without sign-in
              --viewer          also serve the OHIF viewer at /viewer (build it first: make viewer)
            """;

    private static final Map<String, String> FLAG_KEYS = Map.of(
            "--http-port", "vesalius.http.port",
            "--http-host", "vesalius.http.host",
            "--dicom-port", "vesalius.dicom.port",
            "--aet", "vesalius.aet",
            "--data-dir", "vesalius.data.dir");

    private Main() {
    }

    public static void main(String[] args) throws Exception {
        System.exit(run(args, System.out, System.err));
    }

    static int run(String[] args, PrintStream out, PrintStream err) throws Exception {
        if (args.length == 0 || List.of("--help", "-h", "help").contains(args[0])) {
            out.print(USAGE);
            return args.length == 0 ? 2 : 0;
        }
        String command = args[0];
        Map<String, String> overrides = new LinkedHashMap<>();
        List<String> positional = new ArrayList<>();
        Path configFile = null;
        boolean fix = false;
        for (int i = 1; i < args.length; i++) {
            String arg = args[i];
            if (FLAG_KEYS.containsKey(arg) || arg.equals("--config")) {
                if (i + 1 >= args.length) {
                    err.println("vesalius: " + arg + " needs a value");
                    return 2;
                }
                String value = args[++i];
                if (arg.equals("--config")) {
                    configFile = Path.of(value);
                } else {
                    overrides.put(FLAG_KEYS.get(arg), value);
                }
            } else if (arg.equals("--insecure")) {
                overrides.put("vesalius.insecure", "true");
            } else if (arg.equals("--viewer")) {
                overrides.put("vesalius.viewer.enabled", "true");
            } else if (arg.equals("--fix")) {
                fix = true;
            } else if (arg.startsWith("-")) {
                err.println("vesalius: unknown option " + arg + "\n\n" + USAGE);
                return 2;
            } else {
                positional.add(arg);
            }
        }
        ServerConfig config = ConfigLoader.load(overrides, configFile, System.getenv());
        return switch (command) {
            case "serve" -> serve(config);
            case "import" -> {
                if (positional.size() != 1) {
                    err.println("vesalius: import takes one folder");
                    yield 2;
                }
                yield ImportCommand.run(config, Path.of(positional.get(0)), out);
            }
            case "reconcile" -> ReconcileCommand.run(config, fix, out);
            default -> {
                err.println("vesalius: unknown command " + command + "\n\n" + USAGE);
                yield 2;
            }
        };
    }

    private static int serve(ServerConfig config) throws Exception {
        VesaliusNode node = VesaliusNode.start(config);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                node.close();
            } catch (Exception e) {
                System.err.println("vesalius: error while stopping: " + e);
            } finally {
                stopped.countDown();
            }
        }, "vesalius-shutdown"));
        stopped.await();
        return 0;
    }
}
