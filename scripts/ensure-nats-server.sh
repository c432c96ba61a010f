#!/bin/sh
# Installs nats-server (Debian's package) when it is missing, so that `npm test` and
# `strata devnet up` need nothing done by hand on a fresh machine. Debian puts the binary
# in /usr/sbin, which is not always on PATH, so that is checked too.
set -eu

if command -v nats-server >/dev/null 2>&1 || [ -x /usr/sbin/nats-server ]; then
  exit 0
fi

if [ "$(id -u)" -eq 0 ]; then
  SUDO=""
elif command -v sudo >/dev/null 2>&1; then
  SUDO="sudo"
else
  echo "ensure-nats-server: nats-server is missing and this user cannot install it;" >&2
  echo "  → as root: apt-get update && apt-get install -y nats-server" >&2
  exit 1
fi

echo "ensure-nats-server: installing nats-server with apt-get" >&2
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq nats-server >/dev/null
# The package may start a system-wide server on 4222; strata's own servers use free ports, so it does not matter.
echo "ensure-nats-server: installed $(/usr/sbin/nats-server --version 2>/dev/null || nats-server --version)" >&2
