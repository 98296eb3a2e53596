#!/usr/bin/env bash
# Install statusd as a systemd service. Safe to run again: it upgrades the
# binary and unit, and never overwrites an existing config or data file.
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
BIN_DEST=/usr/local/bin/statusd
CONF_DIR=/etc/statusd
CONF=$CONF_DIR/statusd.toml
DATA_DIR=/var/lib/statusd
UNIT_DEST=/etc/systemd/system/statusd.service

usage() {
  cat <<EOF
Usage: install.sh [--binary PATH] [--listen ADDR] [--public-url URL] [--no-start]

Installs statusd on this machine (run as root):
  - the binary to $BIN_DEST
  - a 'statusd' system user and $DATA_DIR (mode 0750)
  - $CONF, only if it does not exist yet
  - statusd.service to $UNIT_DEST, enabled and (re)started

Options:
  --binary PATH      statusd binary to install (default: ./statusd next to this
                     script, else target/release/statusd)
  --listen ADDR      address for a new config file (default: 127.0.0.1:8080)
  --public-url URL   public_url for a new config file: the base of links in
                     mails, feeds and the setup link (default: http://ADDR,
                     or http://HOSTNAME:PORT when ADDR is 0.0.0.0 or [::])
  --no-start         install and enable, but do not start or restart the service
  -h, --help         show this help

Running it again upgrades the binary and unit and restarts the service; the
config file and the data in $DATA_DIR are left as they are. On first start,
statusd logs a one-time setup link: journalctl -u statusd | grep Setup
EOF
}

BINARY=""
LISTEN=127.0.0.1:8080
PUBLIC_URL=""
START=1
while [ $# -gt 0 ]; do
  case "$1" in
    --binary) BINARY=${2:?--binary needs a path}; shift 2 ;;
    --binary=*) BINARY=${1#*=}; shift ;;
    --listen) LISTEN=${2:?--listen needs an address}; shift 2 ;;
    --listen=*) LISTEN=${1#*=}; shift ;;
    --public-url) PUBLIC_URL=${2:?--public-url needs a URL}; shift 2 ;;
    --public-url=*) PUBLIC_URL=${1#*=}; shift ;;
    --no-start) START=0; shift ;;
    -h|--help) usage; exit 0 ;;
    *) echo "install.sh: unknown option '$1' (see --help)" >&2; exit 2 ;;
  esac
done
if [ -z "$PUBLIC_URL" ]; then
  # A wildcard listen address is no link anyone can open; use the host name.
  case "$LISTEN" in
    0.0.0.0:*|\[::\]:*) PUBLIC_URL="http://$(hostname -f 2>/dev/null || hostname):${LISTEN##*:}" ;;
    *) PUBLIC_URL="http://$LISTEN" ;;
  esac
  PUBLIC_URL=${PUBLIC_URL%:80}
fi

say() { printf 'install.sh: %s\n' "$*"; }
die() { printf 'install.sh: error: %s\n' "$*" >&2; exit 1; }

[ "$(id -u)" -eq 0 ] || die "run as root (sudo ./install.sh)"

if [ -z "$BINARY" ]; then
  for candidate in "$HERE/statusd" "$HERE/target/release/statusd"; do
    if [ -f "$candidate" ]; then BINARY=$candidate; break; fi
  done
fi
[ -n "$BINARY" ] || die "no statusd binary found; build one (cargo build --release) or pass --binary PATH"
[ -f "$BINARY" ] && [ -x "$BINARY" ] || die "$BINARY is not an executable file"

UNIT_SRC=""
for candidate in "$HERE/statusd.service" "$HERE/packaging/statusd.service"; do
  if [ -f "$candidate" ]; then UNIT_SRC=$candidate; break; fi
done
[ -n "$UNIT_SRC" ] || die "statusd.service not found next to install.sh"

# Binary: copy beside the target, then rename, so a running service keeps its
# old inode and an interrupted copy never leaves a half-written binary.
install -m 0755 "$BINARY" "$BIN_DEST.new"
mv -f "$BIN_DEST.new" "$BIN_DEST"
say "installed $BIN_DEST ($("$BIN_DEST" --version 2>/dev/null | head -n1 || true))"
# Man pages and shell completions come from the binary itself, so they match its version.
if "$BIN_DEST" man /usr/local/share/man/man1 >/dev/null 2>&1; then
  say "installed man pages (man statusd)"
fi
if [ -d /etc/bash_completion.d ] && "$BIN_DEST" completions bash >/etc/bash_completion.d/statusd 2>/dev/null; then
  say "installed bash completion"
fi
# zsh reads site-functions from fpath; fish reads vendor completions (both only when installed).
if command -v zsh >/dev/null && mkdir -p /usr/local/share/zsh/site-functions &&
  "$BIN_DEST" completions zsh >/usr/local/share/zsh/site-functions/_statusd 2>/dev/null; then
  say "installed zsh completion"
fi
if command -v fish >/dev/null && mkdir -p /usr/share/fish/vendor_completions.d &&
  "$BIN_DEST" completions fish >/usr/share/fish/vendor_completions.d/statusd.fish 2>/dev/null; then
  say "installed fish completion"
fi

if ! getent group statusd >/dev/null; then
  groupadd --system statusd
fi
if ! getent passwd statusd >/dev/null; then
  useradd --system --gid statusd --home-dir "$DATA_DIR" --no-create-home \
    --shell /usr/sbin/nologin --comment "statusd status page" statusd
  say "created system user statusd"
fi
install -d -m 0750 -o statusd -g statusd "$DATA_DIR"

install -d -m 0755 "$CONF_DIR"
if [ -e "$CONF" ]; then
  say "kept existing $CONF"
else
  tmp=$(mktemp "$CONF_DIR/.statusd.toml.XXXXXX")
  cat >"$tmp" <<EOF
# statusd configuration. Precedence: command-line flags, then STATUSD_* env,
# then this file, then built-in defaults.

# Address and port to serve the status pages, admin UI and API on.
listen = "$LISTEN"

# The one data file; back it up with 'statusd backup FILE'.
data = "$DATA_DIR/statusd.redb"

# Base URL that people open; used for links in emails and feeds.
public_url = "$PUBLIC_URL"
EOF
  chown root:statusd "$tmp"
  chmod 0640 "$tmp"
  mv "$tmp" "$CONF"
  say "wrote $CONF"
fi

install -m 0644 "$UNIT_SRC" "$UNIT_DEST"
say "installed $UNIT_DEST"

if [ -d /run/systemd/system ] && command -v systemctl >/dev/null; then
  systemctl daemon-reload
  systemctl enable --quiet statusd.service
  say "enabled statusd.service"
  if [ "$START" -eq 1 ]; then
    if systemctl is-active --quiet statusd.service; then
      systemctl restart statusd.service
      say "restarted statusd.service"
    else
      systemctl start statusd.service
      say "started statusd.service"
    fi
    say "setup link (first start only): journalctl -u statusd | grep Setup"
  fi
else
  say "systemd is not running here; start it by hand:"
  say "  sudo -u statusd $BIN_DEST serve --config $CONF"
fi
