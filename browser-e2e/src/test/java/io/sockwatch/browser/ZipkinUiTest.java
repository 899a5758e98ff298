package io.sockwatch.browser;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.File;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Comparator;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * Seen in a browser: {@code ./demo.sh --keep} fills a local Zipkin with the sample app's spans, then headless
 * Chromium searches the Zipkin UI for the demo service's {@code socket.close.origin=peer_rst} traces, opens the
 * peer_crash client's trace and checks that the tag is on the page with its value. The page is saved to
 * {@code docs/zipkin-trace.png}. Zipkin is stopped at the end.
 */
class ZipkinUiTest {

    private static final String SERVICE = "sockwatch-demo";
    private static final Duration UI_WAIT = Duration.ofSeconds(30);
    private static final Pattern SUMMARY = Pattern.compile("(\\d+)/(\\d+) scenarios match in zipkin");

    private static Path root;
    private static int port;
    private static String demoOutput;
    private static Optional<ProcessHandle> zipkin = Optional.empty();
    private static Path profile;
    /** Selenium warns that it has no DevTools (CDP) bindings for this Chromium; this test needs none. */
    private static final Logger SELENIUM_LOG = Logger.getLogger("org.openqa.selenium");

    @BeforeAll
    static void runTheDemo() throws Exception {
        root = Path.of(System.getProperty("sockwatch.root", "..")).toRealPath();
        port = Integer.getInteger("browser.zipkin.port", 0);
        if (port == 0) {
            try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
                port = probe.getLocalPort();
            }
        }
        Path log = root.resolve("target/browser-e2e-demo.log");
        Files.createDirectories(log.getParent());
        Path pidFile = root.resolve("target/zipkin/zipkin.pid");
        Files.deleteIfExists(pidFile);

        System.out.println("[browser] ./demo.sh --keep --port " + port + " (output: " + log + ")");
        Process demo = new ProcessBuilder("./demo.sh", "--keep", "--port", Integer.toString(port))
                .directory(root.toFile())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        boolean done = demo.waitFor(200, TimeUnit.SECONDS);
        if (Files.exists(pidFile)) {
            zipkin = ProcessHandle.of(Long.parseLong(Files.readString(pidFile).trim()));
        }
        demoOutput = Files.readString(log);
        System.out.println(demoOutput);
        if (!done) {
            demo.destroy();
            demo.waitFor(20, TimeUnit.SECONDS);
            fail("./demo.sh did not finish within 200 s");
        }
        List<String> lines = demoOutput.lines().filter(l -> !l.isBlank()).toList();
        String last = lines.isEmpty() ? "" : lines.get(lines.size() - 1);
        Matcher m = SUMMARY.matcher(last);
        assertTrue(m.matches(), "the demo's last line is its summary, not: " + last);
        assertEquals(m.group(2), m.group(1), "every scenario matches in zipkin: " + last);
        assertEquals(0, demo.exitValue(), "./demo.sh exit status");
        assertTrue(zipkin.isPresent(), "the demo left its Zipkin running (--keep) with a pid file");
    }

    @AfterAll
    static void stopZipkin() throws Exception {
        zipkin.ifPresent(z -> {
            z.destroy();
            try {
                z.onExit().get(15, TimeUnit.SECONDS);
            } catch (Exception e) {
                z.destroyForcibly();
            }
        });
        Files.deleteIfExists(root.resolve("target/zipkin/zipkin.pid"));
        if (profile != null) {
            try (Stream<Path> files = Files.walk(profile)) {
                files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
            }
        }
    }

    @Test
    void peerRstTraceShowsItsOriginInTheZipkinUi() throws Exception {
        String base = "http://127.0.0.1:" + port;
        String traceId = peerCrashClientTraceId(base);

        WebDriver browser = chromium();
        try {
            // 1. Find a trace: the demo service, its peer_rst connections
            browser.get(base + "/zipkin/?serviceName=" + SERVICE + "&annotationQuery="
                    + URLEncoder.encode("socket.close.origin=peer_rst", StandardCharsets.UTF_8) + "&limit=50");
            WebDriverWait wait = new WebDriverWait(browser, UI_WAIT);
            wait.until(ExpectedConditions.textToBePresentInElementLocated(By.tagName("body"), SERVICE));
            wait.until(ExpectedConditions.elementToBeClickable(
                    By.xpath("//button[contains(translate(., 'RUNQERY', 'runqery'), 'run query')]"))).click();
            wait.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("a[href*='/zipkin/traces/']")));
            List<WebElement> results = browser.findElements(By.cssSelector("a[href*='/zipkin/traces/']"));
            String body = browser.findElement(By.tagName("body")).getText();
            assertTrue(body.contains(SERVICE + ": socket.connection"), "the results list the demo's spans");
            WebElement peerCrash = results.stream()
                    .filter(a -> String.valueOf(a.getAttribute("href")).endsWith("/traces/" + traceId))
                    .findFirst()
                    .orElseThrow(() -> new AssertionError("the peer_rst search does not list trace " + traceId
                            + " (" + results.size() + " results)"));

            // 2. Open it: the span's tags
            ((JavascriptExecutor) browser).executeScript("arguments[0].scrollIntoView({block: 'center'});",
                    peerCrash);
            peerCrash.click();
            wait.until(ExpectedConditions.urlContains("/traces/" + traceId));
            By originKey = By.xpath("//td[normalize-space()='socket.close.origin']");
            wait.until(ExpectedConditions.presenceOfElementLocated(originKey));

            // fold the annotations so that the tags table comes up into the view, and show the row
            List<WebElement> fold = browser.findElements(
                    By.xpath("//p[normalize-space()='Annotation']/following-sibling::button"));
            if (!fold.isEmpty()) {
                fold.get(0).click();
                Thread.sleep(500); // the collapse animation
            }
            WebElement key = browser.findElement(originKey);
            WebElement value = key.findElement(By.xpath("following-sibling::td[1]"));
            ((JavascriptExecutor) browser).executeScript(
                    "arguments[0].scrollIntoView({block: 'center'});"
                            + "arguments[0].parentElement.style.outline = '3px solid #e8590c';", key);
            wait.until(ExpectedConditions.visibilityOf(value));
            assertEquals("peer_rst", value.getText().trim(), "socket.close.origin shown on the trace page");
            assertTrue(key.isDisplayed() && value.isDisplayed(), "the tag row is visible");
            assertEquals("reset", browser.findElement(By.xpath(
                    "//td[normalize-space()='socket.close.reason']/following-sibling::td[1]")).getText().trim());
            assertTrue(browser.findElement(By.tagName("body")).getText().contains(traceId), "the trace id is shown");

            // 3. The picture for the docs
            Path screenshot = Path.of(System.getProperty("browser.screenshot",
                    root.resolve("docs/zipkin-trace.png").toString()));
            Files.createDirectories(screenshot.getParent());
            Files.write(screenshot, ((TakesScreenshot) browser).getScreenshotAs(OutputType.BYTES));
            System.out.println("[browser] trace " + traceId + " shows socket.close.origin=peer_rst; screenshot "
                    + screenshot.toRealPath());
        } catch (RuntimeException | AssertionError e) {
            Path page = root.resolve("target/browser-e2e-page.html");
            Files.writeString(page, String.valueOf(browser.getPageSource()));
            System.out.println("[browser] failed on " + browser.getCurrentUrl() + "; page saved to " + page);
            throw e;
        } finally {
            browser.quit();
        }
    }

    /** The trace of the peer_crash scenario's client span, found through Zipkin's API by its local port. */
    private static String peerCrashClientTraceId(String base) throws IOException, InterruptedException {
        String line = Files.readAllLines(root.resolve("target/demo/scenarios.txt")).stream()
                .filter(l -> l.startsWith("scenario=peer_crash "))
                .findFirst()
                .orElseThrow(() -> new AssertionError("the demo ran no peer_crash scenario"));
        Matcher p = Pattern.compile("client_port=(\\d+)").matcher(line);
        assertTrue(p.find(), line);
        String clientPort = p.group(1);

        String query = base + "/api/v2/traces?serviceName=" + SERVICE + "&limit=1000&lookback=3600000&annotationQuery="
                + URLEncoder.encode("socket.close.origin=peer_rst and network.local.port=" + clientPort,
                        StandardCharsets.UTF_8);
        HttpResponse<String> response = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(URI.create(query)).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode(), query);
        Matcher id = Pattern.compile("\"traceId\"\\s*:\\s*\"([0-9a-f]{16,32})\"").matcher(response.body());
        assertTrue(id.find(), "Zipkin has the peer_crash client span (local port " + clientPort + "): "
                + response.body());
        Set<String> ids = new TreeSet<>();
        do {
            ids.add(id.group(1));
        } while (id.find());
        assertEquals(1, ids.size(), "one trace for local port " + clientPort + ": " + ids);
        return ids.iterator().next();
    }

    private static WebDriver chromium() throws IOException {
        String chromium = System.getProperty("browser.chromium", "/usr/bin/chromium");
        String chromedriver = System.getProperty("browser.chromedriver", "/usr/bin/chromedriver");
        for (String tool : List.of(chromium, chromedriver)) {
            assertTrue(new File(tool).canExecute(), tool + " is missing: run .ci/browser-deps.sh");
        }
        SELENIUM_LOG.setLevel(Level.SEVERE);
        profile = Files.createTempDirectory("sockwatch-chromium");
        ChromeOptions options = new ChromeOptions();
        options.setBinary(chromium);
        options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--disable-dev-shm-usage", "--window-size=1400,1000",
                "--user-data-dir=" + profile);
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(new File(chromedriver))
                .usingAnyFreePort()
                .build();
        WebDriver driver = new ChromeDriver(service, options);
        assertNotNull(driver);
        return driver;
    }
}
