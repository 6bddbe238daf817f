set -e
c=parent/charts
tar --numeric-owner --owner=0 --group=0 -czf $c/sub1-1.0.0.tgz -C src sub1
tar --numeric-owner --owner=0 --group=0 -czf $c/other-1.0.0.tgz -C src other
tar --numeric-owner --owner=0 --group=0 -czf $c/loc-0.9.0.tgz -C src loc
rm -rf src
