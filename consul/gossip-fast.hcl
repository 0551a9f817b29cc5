# LAN gossip (serf) timing tuned for a fast failure detection on one LAN (all agents must use the same file;
# docker-compose.yml loads it unless CONSUL_GOSSIP=default). Consul calls these settings advanced: too tight a
# timing makes healthy members flap, and every flap invalidates the sessions tied to that node's serfHealth check.
# The lease bound counts on suspicion_mult x probe_interval = 600 ms (the service's --gossip-suspicion-min) and the
# host-loss failover (README, "Why failover is fast") on this timing; docs/consul-cluster.md has the numbers.
gossip_lan {
  # Probe a random member every 200 ms instead of every second.
  probe_interval = "200ms"
  # A container network answers in well under a millisecond; 100 ms still leaves room for a busy host.
  probe_timeout = "100ms"
  # Suspicion lasts 3 x 200 ms = 0.6 s with one confirmation, 3.6 s at most without (fewer than 10 nodes).
  suspicion_mult = 3
  # Spread the "dead" broadcast faster.
  gossip_interval = "100ms"
  gossip_nodes = 3
  retransmit_mult = 4
}
