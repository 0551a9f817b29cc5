package org.example.echo.process;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns SIGTERM and SIGINT into a call of our own instead of the JVM's shutdown, so the service can hand over
 * and close its clients, then exit with status 0 through a normal {@code System.exit} (which still runs the
 * JaCoCo and Logback shutdown hooks). The JVM's default would exit with status 143.
 *
 * <p>{@code sun.misc.Signal} is reached by reflection: it is exported by {@code jdk.unsupported}, but naming it
 * in source draws an unsuppressible compiler warning, and this build treats warnings as errors. Where it is
 * missing we fall back to a shutdown hook.
 */
public final class TerminationSignals {

  private static final Logger log = LoggerFactory.getLogger(TerminationSignals.class);

  private TerminationSignals() {}

  /** Runs {@code onSignal} (once per signal delivery) on SIGTERM or SIGINT. */
  public static void onTerminate(Runnable onSignal) {
    try {
      Class<?> signalClass = Class.forName("sun.misc.Signal");
      Class<?> handlerClass = Class.forName("sun.misc.SignalHandler");
      Method handle = signalClass.getMethod("handle", signalClass, handlerClass);
      Method name = signalClass.getMethod("getName");
      InvocationHandler invocation =
          (proxy, method, args) -> {
            if ("handle".equals(method.getName())) {
              log.info("received SIG{}", name.invoke(args[0]));
              onSignal.run();
              return null;
            }
            return switch (method.getName()) {
              case "hashCode" -> System.identityHashCode(proxy);
              case "equals" -> proxy == args[0];
              default -> "TerminationSignals";
            };
          };
      Object handler =
          Proxy.newProxyInstance(handlerClass.getClassLoader(), new Class<?>[] {handlerClass}, invocation);
      for (String signal : new String[] {"TERM", "INT"}) {
        handle.invoke(null, signalClass.getConstructor(String.class).newInstance(signal), handler);
      }
    } catch (ReflectiveOperationException | RuntimeException e) {
      log.warn("cannot install signal handlers ({}); falling back to a shutdown hook", e.toString());
      Runtime.getRuntime().addShutdownHook(new Thread(onSignal, "shutdown"));
    }
  }
}
