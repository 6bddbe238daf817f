#!/bin/sh
echo "post-renderer refuses" >&2
exit 3
