#!/bin/bash
# What the rows hookd writes cost PostgreSQL itself, with no hookd in the way: pgbench runs one
# of the scripts beside this file (steady.sql: a delivery's rows; publish.sql: an event's) in
# batches of N rows per transaction, and this prints the server's CPU time (every `postgres`
# process, user + system, as `hookd bench` counts it) per row, over the middle of the run.
#
#   crates/hookd-bench/postgres-floor/run.sh steady 16        # batches of 16, 4 clients, 10 s
#   SECONDS_RUN=20 CLIENTS=8 crates/hookd-bench/postgres-floor/run.sh publish 100
#
# Needs pgbench (Debian: /usr/lib/postgresql/<version>/bin), a server on this machine (its CPU
# is read from /proc), and a release build of hookd (HOOKD, default ./target/release/hookd) to
# create the schema. SERVER is the server's URL; a database hookd_floor is made and dropped.
set -euo pipefail
export PGOPTIONS="-c client_min_messages=warning"
script=${1:?usage: run.sh steady|publish N}
batch=${2:?usage: run.sh steady|publish N}
here=$(cd "$(dirname "$0")" && pwd)
server=${SERVER:-postgres://postgres@127.0.0.1:5432/test}
hookd=${HOOKD:-./target/release/hookd}
clients=${CLIENTS:-4}
seconds=${SECONDS_RUN:-10}
pgbench=$(command -v pgbench || ls /usr/lib/postgresql/*/bin/pgbench | tail -1)
database=${server%/*}/hookd_floor

psql -q "$server" -c "DROP DATABASE IF EXISTS hookd_floor" -c "CREATE DATABASE hookd_floor"
trap 'psql -q "$server" -c "DROP DATABASE IF EXISTS hookd_floor WITH (FORCE)"' EXIT
HOOKD_DATABASE_URL=$database "$hookd" migrate > /dev/null
psql -q "$database" -c "CREATE SEQUENCE batches"

server_cpu_ticks() {
    python3 -c "
import os
total = 0
for pid in filter(str.isdigit, os.listdir('/proc')):
    try:
        stat = open(f'/proc/{pid}/stat').read()
    except OSError:
        continue
    if '(postgres)' in stat:
        fields = stat.rsplit(')', 1)[1].split()
        total += int(fields[11]) + int(fields[12])
print(total)"
}
batches() { psql -qAt "$database" -c "SELECT last_value FROM batches"; }

# A first run fills the tables, so the measured run's statements are planned for tables the
# size of a running system's, not for empty ones.
"$pgbench" -n -M prepared -c "$clients" -j 2 -T 3 -D n="$batch" -f "$here/$script.sql" \
    "$database" > /dev/null
psql -q "$database" -c "ANALYZE"
"$pgbench" -n -M prepared -c "$clients" -j 2 -T $((seconds + 4)) -D n="$batch" \
    -f "$here/$script.sql" "$database" > /dev/null &
sleep 2
first=$(batches) ticks=$(server_cpu_ticks) started=$(date +%s.%N)
sleep "$seconds"
last=$(batches) ticks_after=$(server_cpu_ticks) ended=$(date +%s.%N)
wait
python3 -c "
rows = ($last - $first) * $batch
cpu = ($ticks_after - $ticks) / $(getconf CLK_TCK)
elapsed = $ended - $started
print(f'$script, {$batch} per batch, $clients clients: {rows / elapsed:,.0f} rows/s, '
      f'{cpu / rows * 1e6:.1f} µs of server CPU per row')"
