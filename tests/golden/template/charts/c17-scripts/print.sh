#!/bin/sh
cat > /dev/null
echo "# post-rendered"
echo "x: 1"
