# LAN gossip (serf) timing: Consul 1.8's defaults, written out so they can be read and compared with
# gossip-fast.hcl. Chosen by CONSUL_GOSSIP=default in docker-compose.yml (fast otherwise); every agent must use
# the same file. Safe with the lease bound (its suspicion is longer than --gossip-suspicion-min), but a lost host
# then fails over after 6-8 s instead of 2-3 s. With these a dead host is declared failed about 5-6 s after it stopped answering (measured, see
# docs/consul-cluster.md): suspicion timeout suspicion_mult x probe_interval = 4 s for fewer than 10 nodes.
gossip_lan {
  # How often each agent probes one random member.
  probe_interval = "1s"
  # How long a probe waits for the ack before indirect probes through other members.
  probe_timeout = "500ms"
  # Suspicion lasts suspicion_mult x probe_interval x max(1, log10(nodes)), up to 6x that without
  # confirmations from other members.
  suspicion_mult = 4
  # Broadcasts (e.g. "node X is dead") are sent to gossip_nodes members every gossip_interval.
  gossip_interval = "200ms"
  gossip_nodes = 3
  retransmit_mult = 4
}
