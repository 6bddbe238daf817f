#!/bin/sh
cat > /dev/null
echo "it failed" >&2
exit 3
