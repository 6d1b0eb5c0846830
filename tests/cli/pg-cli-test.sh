#!/bin/sh
# The csvc tool on a store in PostgreSQL: run by tests/pg/with-pg-server.sh,
# which sets CSVC_TEST_PG to the server's connection string.
#
#   pg-cli-test.sh CSVC
#
# Builds a postgresql:// URI from that string, then: a command on a store
# that is not there yet says so; init creates it; a customer with a Chinese
# name is added and found by a substring; the feed shows its entry, as text
# and as JSON; a consumer acknowledges it.
set -eu
csvc=$1
conn=${CSVC_TEST_PG:?CSVC_TEST_PG is not set}
host=$(printf '%s\n' "$conn" | sed -n 's/.*host=\([^ ]*\).*/\1/p')
port=$(printf '%s\n' "$conn" | sed -n 's/.*port=\([^ ]*\).*/\1/p')
user=$(printf '%s\n' "$conn" | sed -n 's/.*user=\([^ ]*\).*/\1/p')
db=$(printf '%s\n' "$conn" | sed -n 's/.*dbname=\([^ ]*\).*/\1/p')
uri="postgresql://$user@/$db?host=$host&port=$port"

fail() {
	echo "pg-cli-test: FAILED: $*" >&2
	exit 1
}

out=$("$csvc" --db "$uri" customer search x 2>&1) && fail "a command on a missing store succeeded"
case $out in *"does not exist (create it with csvc init)"*) ;; *) fail "missing store: $out" ;; esac

"$csvc" --db "$uri" init | grep -q "ready (schema version" || fail "init"
id=$("$csvc" --db "$uri" --actor clerk customer add --name "王小明" --phone 13800138000)
[ -n "$id" ] || fail "customer add printed no id"
"$csvc" --db "$uri" customer search "小明" | grep -q "$id" || fail "the customer is not found by a substring"
"$csvc" --db "$uri" customer search "zz" | grep -q "$id" && fail "a search for another text found the customer"
"$csvc" --db "$uri" feed tail | grep -q "created.*$id" || fail "the feed has no entry for the customer"
json=$("$csvc" --db "$uri" --json feed tail | tail -n 1)
case $json in *'"subject_kind":"customer"'*"\"subject\":\"$id\""*) ;; *) fail "feed JSON: $json" ;; esac
pos=$(printf '%s\n' "$json" | sed -n 's/.*"position":\([0-9]*\).*/\1/p')
"$csvc" --db "$uri" feed tail --consumer ho.sync >/dev/null || fail "feed tail --consumer"
"$csvc" --db "$uri" feed consumers | grep -q "ho.sync" || fail "the consumer is not listed"
echo "pg-cli-test: ok (feed head $pos)"
