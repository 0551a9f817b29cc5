# A Consul client agent: one per host (echo instance or nginx), which shares the agent's network namespace
# and talks to it on 127.0.0.1 (Consul 1.8: HCL read by -config-file). Gossip timing is in gossip-*.hcl.
# Reasons: Consul 1.8's docs, https://www.consul.io/docs/agent/options (see docs/consul-cluster.md).

# A client: forwards every catalog, KV and session call to a server, runs its local checks (the echo TTL
# check lives here), and takes part in LAN gossip, so the servers notice when this host disappears.
server = false
datacenter = "dc1"
# Node id and the local services and checks, so a restarted agent comes back as the same node.
data_dir = "/consul/data"
# The host's (container's) only interface; gossip to the servers and to other agents.
bind_addr = "{{ GetInterfaceIP \"eth0\" }}"
# HTTP and DNS: the co-located process uses 127.0.0.1; the published UI port and the tests come in on eth0.
client_addr = "0.0.0.0"
retry_join = ["consul1", "consul2", "consul3"]
# Retry a failed join every 2 s instead of 30 s: servers may still be starting.
retry_interval = "2s"
# A gracefully stopped host leaves the cluster, so the servers drop its node (and invalidate the sessions tied
# to its checks) at once instead of after gossip failure detection (client default, stated on purpose).
leave_on_terminate = true
# The same for SIGINT (client default).
skip_leave_on_interrupt = false
# A call that failed on one server is retried on another after up to rpc_hold_timeout / 16 (62 ms instead of
# 437 ms), for at most 1 s: the co-located instance times out its calls after 1 s and retries (see server.hcl).
performance {
  rpc_hold_timeout = "1s"
}
# The web UI on every agent; compose publishes the one on nginx's host.
ui = true
disable_update_check = true
log_level = "INFO"

dns_config {
  # Any server may answer a DNS query, also while there is no raft leader, so nginx keeps resolving during an
  # election (the answer is milliseconds old at most in a healthy cluster; a stale answer only sends nginx to
  # an instance whose gate is closed, and it falls through to the others). Default since 0.7.
  allow_stale = true
  # DNS answers carry TTL 0 (the defaults), so only nginx's own valid=1s caches them.
  node_ttl = "0s"
  service_ttl {
    "*" = "0s"
  }
  # Only instances whose checks (and node) all pass are answered; the default also answers "warning" ones.
  only_passing = true
}
