package org.example.echo.consul;

import java.net.URI;
import java.net.URL;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import org.example.echo.core.InstanceDirectory;
import org.example.echo.core.RegisteredInstance;
import org.kiwiproject.consul.Consul;
import org.kiwiproject.consul.ConsulException;
import org.kiwiproject.consul.model.health.HealthCheck;
import org.kiwiproject.consul.model.health.ServiceHealth;

/**
 * {@link InstanceDirectory} on Consul's health API ({@code /v1/health/service/<name>}): every registration of the
 * service with the worst state of its checks. A client of its own with short timeouts: the cluster view must
 * answer a browser quickly and must never hold up the lock's calls.
 */
public final class ConsulInstanceDirectory implements InstanceDirectory, AutoCloseable {

  private static final long CONNECT_TIMEOUT_MS = 300;
  private static final long READ_TIMEOUT_MS = 700;

  private final Consul consul;
  private final String serviceName;

  ConsulInstanceDirectory(Consul consul, String serviceName) {
    this.consul = consul;
    this.serviceName = serviceName;
  }

  public static ConsulInstanceDirectory connect(URI consul, Optional<String> aclToken, String serviceName) {
    URL url;
    try {
      url = consul.toURL();
    } catch (java.net.MalformedURLException | IllegalArgumentException e) {
      throw new IllegalArgumentException("not a Consul URL: " + consul, e);
    }
    Consul.Builder b = Consul.builder()
        .withUrl(url)
        .withPing(false)
        .withConnectTimeoutMillis(CONNECT_TIMEOUT_MS)
        .withReadTimeoutMillis(READ_TIMEOUT_MS)
        .withWriteTimeoutMillis(READ_TIMEOUT_MS);
    aclToken.filter(t -> !t.isBlank()).ifPresent(b::withAclToken);
    return new ConsulInstanceDirectory(b.build(), serviceName);
  }

  @Override
  public List<RegisteredInstance> instances() {
    List<ServiceHealth> all;
    try {
      all = consul.healthClient().getAllServiceInstances(serviceName).getResponse();
    } catch (ConsulException e) {
      throw new Unavailable("Consul did not list " + serviceName + ": " + oneLine(e.getMessage()), e);
    } catch (RuntimeException e) { // an answer consul-client cannot read
      throw new Unavailable("Consul's list of " + serviceName + " could not be read: " + oneLine(e.getMessage()), e);
    }
    return all.stream().map(ConsulInstanceDirectory::instance)
        .sorted(Comparator.comparing(RegisteredInstance::address).thenComparing(RegisteredInstance::id))
        .toList();
  }

  private static RegisteredInstance instance(ServiceHealth s) {
    String address = s.getService().getAddress();
    if (address == null || address.isBlank()) {
      address = s.getNode().getAddress(); // Consul's own rule for a service registered without an address
    }
    String health = s.getChecks().stream().map(HealthCheck::getStatus)
        .max(Comparator.comparingInt(RegisteredInstance::healthRank)).orElse("passing");
    return new RegisteredInstance(s.getService().getId(), address, s.getService().getPort(), health);
  }

  private static String oneLine(String s) {
    String flat = String.valueOf(s).replaceAll("\\s+", " ").trim();
    return flat.length() > 200 ? flat.substring(0, 200) + "…" : flat;
  }

  @Override
  public void close() {
    consul.destroy();
  }
}
