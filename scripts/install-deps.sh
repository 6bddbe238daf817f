#!/usr/bin/env bash
# Installs the Debian packages kz needs to build and test, and only the ones missing,
# so a second run is a no-op that never touches the network.
set -euo pipefail

packages=(
  build-essential cmake pkg-config
  libyaml-dev libpcre2-dev libgit2-dev libcurl4-openssl-dev libjansson-dev
  libcmocka-dev libarchive-dev libsqlite3-dev libssl-dev libcrypt-dev zlib1g-dev tzdata
  # real servers the repository tests start on 127.0.0.1
  nginx docker-registry apache2-utils
)

missing=()
for pkg in "${packages[@]}"; do
  # dpkg-query prints "install ok installed" only for a fully installed package.
  status=$(dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null || true)
  [ "$status" = "install ok installed" ] || missing+=("$pkg")
done

if [ "${#missing[@]}" -eq 0 ]; then
  exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
  sudo=sudo
else
  sudo=
fi
echo "install-deps: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
