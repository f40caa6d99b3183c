# Sourced by the install scripts. missing_packages NAME...: prints the Debian
# packages among NAMEs that are not installed, one line, nothing when all are.
# install_packages SCRIPT NAME...: apt-get installs NAMEs as root, or fails with
# one line naming SCRIPT and the packages.

missing_packages() {
  local missing=() p
  for p in "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
  done
  echo "${missing[*]}"
}

install_packages() {
  local script=$1
  shift
  if [ "$(id -u)" -ne 0 ]; then
    echo "$script: missing Debian packages: $*; run it as root or apt-get install them" >&2
    return 1
  fi
  echo "installing: $*"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null || {
    echo "$script: apt-get install $* failed" >&2
    return 1
  }
}
