package dev.rcpat.local.bench;

import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyRequestEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyResponseEvent;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * The child process of {@code bin/local bench --page}: the token page's function started cold the
 * way Lambda's Java runtime starts it (class by name, no-arg constructor = init), then the two
 * requests a first visit begins with: the page, then its main script. Prints one {@code BENCH}
 * line. A class of its own, so that nothing of the API's handler is loaded or verified here.
 */
public final class PageLauncher {

    static final String PAGE_HANDLER = "dev.rcpat.web.PageHandler";

    private PageLauncher() { }

    public static void main(String[] args) throws Exception {
        long t0 = System.nanoTime();
        @SuppressWarnings("unchecked")
        RequestHandler<APIGatewayProxyRequestEvent, APIGatewayProxyResponseEvent> handler =
                (RequestHandler<APIGatewayProxyRequestEvent, APIGatewayProxyResponseEvent>)
                        Class.forName(PAGE_HANDLER).getConstructor().newInstance();
        long t1 = System.nanoTime();
        APIGatewayProxyResponseEvent page = handler.handleRequest(event("/", "/", null), null);
        long t2 = System.nanoTime();
        APIGatewayProxyResponseEvent script = handler.handleRequest(
                event("/assets/{file}", "/assets/main.js", Map.of("file", "main.js")), null);
        long t3 = System.nanoTime();
        System.out.println("BENCH initMs=" + ms(t1 - t0) + " invokeMs=" + ms(t2 - t1) + " secondMs=" + ms(t3 - t2)
                + " status=" + page.getStatusCode() + " secondStatus=" + script.getStatusCode()
                + " vmHwmKb=" + vmHwmKb() + " cpuMs=" + cpuMs());
        System.out.flush();
    }

    private static APIGatewayProxyRequestEvent event(String resource, String path, Map<String, String> parameters) {
        APIGatewayProxyRequestEvent.ProxyRequestContext ctx = new APIGatewayProxyRequestEvent.ProxyRequestContext();
        ctx.setStage("prod");
        ctx.setPath("/prod" + path);
        ctx.setHttpMethod("GET");
        return new APIGatewayProxyRequestEvent().withHttpMethod("GET").withResource(resource).withPath(path)
                .withPathParameters(parameters).withHeaders(Map.of("Accept", "*/*")).withRequestContext(ctx);
    }

    private static long vmHwmKb() throws Exception {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("VmHWM:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        }
        return -1;
    }

    private static long cpuMs() throws Exception {
        String stat = Files.readString(Path.of("/proc/self/stat"));
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return (Long.parseLong(f[11]) + Long.parseLong(f[12])) * 10;
    }

    private static String ms(long nanos) {
        return String.format("%.2f", nanos / 1e6);
    }
}
