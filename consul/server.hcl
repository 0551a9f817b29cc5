# A Consul server of the three-server cluster in docker-compose.yml (Consul 1.8: HCL read by -config-file).
# Gossip timing is in gossip-*.hcl, loaded after this file on every agent. Reasons are Consul 1.8's docs:
# https://www.consul.io/docs/agent/options and https://www.consul.io/docs/install/performance (see
# docs/consul-cluster.md for the whole argument).

# A voting member of the raft peer set that holds the catalog, KV and sessions.
server = true
# Wait for three servers before the first election: quorum 2, so any one server may fail.
bootstrap_expect = 3
# Explicit, so servers and client agents agree (every agent defaults to dc1).
datacenter = "dc1"
# Raft log, snapshots and node id; a named volume in compose, so a restarted or recreated server keeps its state.
data_dir = "/consul/data"
# The container has one interface; gossip and RPC use its address (a template: the IP is Docker's choice).
bind_addr = "{{ GetInterfaceIP \"eth0\" }}"
# HTTP and DNS on every interface of the container, so tools on the host can ask any server directly
# (/v1/status/leader); on a real host this would be 127.0.0.1 behind ACLs.
client_addr = "0.0.0.0"
# Compose service names (Docker DNS); tried until one answers, so the start order does not matter.
retry_join = ["consul1", "consul2", "consul3"]
# Retry a failed join every 2 s instead of 30 s: the other servers may still be starting.
retry_interval = "2s"
# HashiCorp's production Raft timing: leader failure detected and a new leader elected in about 1-2 s
# instead of 5-10 s (the default multiplier 5 is tuned for t2.micro-class machines). It is the floor: Consul 1.8
# overrides the internal consul { raft { ... } } timings with its own.
performance {
  raft_multiplier = 1
  # While there is no raft leader a server holds a call and looks for a leader again after a random wait of up
  # to rpc_hold_timeout / 16: 437 ms with the default 7 s, 62 ms with 1 s, so calls go through sooner after an
  # election. Our callers give up after 1 s and retry, so holding longer helps nobody (docs/consul-cluster.md).
  rpc_hold_timeout = "1s"
}
# A stopped server (SIGTERM) stays in the peer set: a restart must not shrink the quorum or need a rejoin
# (this is the server default, stated because it is a production decision).
leave_on_terminate = false
# The same for SIGINT (Ctrl-C) (server default).
skip_leave_on_interrupt = true
# No calls to checkpoint.hashicorp.com: no internet here, and production hosts should not phone home.
disable_update_check = true
log_level = "INFO"
