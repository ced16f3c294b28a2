package dev.llmcanary.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A TCP proxy in front of a server (PostgreSQL in the outage tests) that can play its outage without stopping it:
 * {@link Mode#REFUSE} closes every connection and refuses new ones; {@link Mode#BLACKHOLE} keeps connections open
 * and accepts new ones but forwards nothing (a dead network path: the client waits for its own timeouts).
 */
public final class TcpProxy implements AutoCloseable {

    /** What the proxy does with traffic. */
    public enum Mode { OPEN, REFUSE, BLACKHOLE }

    private final InetSocketAddress upstream;
    private final int port;
    private final Set<Socket> sockets = ConcurrentHashMap.newKeySet();
    private volatile Mode mode = Mode.OPEN;
    private volatile ServerSocket server;
    private volatile boolean closed;

    public TcpProxy(String host, int upstreamPort) {
        this.upstream = new InetSocketAddress(host, upstreamPort);
        try (ServerSocket probe = new ServerSocket(0)) {
            this.port = probe.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        listen();
    }

    public int port() {
        return port;
    }

    /** Switches mode; leaving an outage resets the connections it held, as a real partition eventually does. */
    public synchronized void mode(Mode next) {
        Mode previous = mode;
        mode = next;
        if (next == Mode.REFUSE || previous == Mode.BLACKHOLE) {
            closeAll();
        }
        if (next == Mode.REFUSE) {
            closeQuietly(server);
        } else if (previous == Mode.REFUSE) {
            listen();
        }
        synchronized (this) {
            notifyAll();
        }
    }

    private void listen() {
        try {
            ServerSocket s = new ServerSocket();
            s.setReuseAddress(true);
            s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
            server = s;
            Thread t = new Thread(() -> accept(s), "tcp-proxy-accept");
            t.setDaemon(true);
            t.start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void accept(ServerSocket s) {
        while (!s.isClosed()) {
            try {
                Socket client = s.accept();
                sockets.add(client);
                if (mode == Mode.BLACKHOLE) {
                    continue; // held open, never answered
                }
                Socket up = new Socket();
                up.connect(upstream, 2000);
                sockets.add(up);
                pump(client, up);
                pump(up, client);
            } catch (IOException e) {
                // listener closed (REFUSE) or upstream refused: the client sees its connection close
            }
        }
    }

    private void pump(Socket from, Socket to) {
        Thread t = new Thread(() -> {
            byte[] buf = new byte[16384];
            try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
                int n;
                while ((n = in.read(buf)) >= 0) {
                    waitWhileBlackholed();
                    out.write(buf, 0, n);
                    out.flush();
                }
            } catch (IOException | InterruptedException e) {
                // closed
            } finally {
                closeQuietly(from);
                closeQuietly(to);
            }
        }, "tcp-proxy-pump");
        t.setDaemon(true);
        t.start();
    }

    private synchronized void waitWhileBlackholed() throws InterruptedException {
        while (mode == Mode.BLACKHOLE && !closed) {
            wait(100);
        }
    }

    private void closeAll() {
        sockets.forEach(TcpProxy::closeQuietly);
        sockets.clear();
    }

    private static void closeQuietly(java.io.Closeable c) {
        try {
            if (c != null) {
                c.close();
            }
        } catch (IOException e) {
            // already closed
        }
    }

    @Override
    public void close() {
        closed = true;
        closeQuietly(server);
        closeAll();
    }
}
