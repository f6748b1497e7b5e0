package dev.rcpat.local;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** The options of one subcommand: {@code --name value}, {@code --name=value}, flags, and positionals. */
final class Args {

    private final String command;
    private final List<String> positionals = new ArrayList<>();
    private final Map<String, List<String>> values = new LinkedHashMap<>();

    private Args(String command) {
        this.command = command;
    }

    /** {@code valued}: options that take a value; {@code flags}: options that do not. Anything else is refused. */
    static Args parse(String command, List<String> raw, Set<String> valued, Set<String> flags) throws CliException {
        Args a = new Args(command);
        for (int i = 0; i < raw.size(); i++) {
            String arg = raw.get(i);
            if (!arg.startsWith("--") || arg.equals("--")) {
                a.positionals.add(arg);
                continue;
            }
            String name = arg.substring(2);
            String value = null;
            int eq = name.indexOf('=');
            if (eq >= 0) {
                value = name.substring(eq + 1);
                name = name.substring(0, eq);
            }
            if (flags.contains(name)) {
                if (value != null) {
                    throw CliException.usage(command + ": --" + name + " takes no value");
                }
                a.values.computeIfAbsent(name, k -> new ArrayList<>()).add("true");
            } else if (valued.contains(name)) {
                if (value == null) {
                    if (i + 1 >= raw.size()) {
                        throw CliException.usage(command + ": --" + name + " needs a value");
                    }
                    value = raw.get(++i);
                }
                a.values.computeIfAbsent(name, k -> new ArrayList<>()).add(value);
            } else {
                throw CliException.usage(command + ": unknown option --" + name + " (see bin/local help)");
            }
        }
        return a;
    }

    String value(String name) {
        List<String> v = values.get(name);
        return v == null ? null : v.get(v.size() - 1);
    }

    String required(String name) throws CliException {
        String v = value(name);
        if (v == null || v.isBlank()) {
            throw CliException.usage(command + ": --" + name + " is required");
        }
        return v;
    }

    List<String> values(String name) {
        return values.getOrDefault(name, List.of());
    }

    boolean flag(String name) {
        return values.containsKey(name);
    }

    int port(String name, int dflt) throws CliException {
        String v = value(name);
        if (v == null) {
            return dflt;
        }
        try {
            int p = Integer.parseInt(v);
            if (p < 0 || p > 65535) {
                throw new NumberFormatException();
            }
            return p;
        } catch (NumberFormatException e) {
            throw CliException.usage(command + ": --" + name + " must be a port number (0-65535), not '" + v + "'");
        }
    }

    List<String> positionals() {
        return positionals;
    }
}
