# archives under parent/charts/ (made here so that the goldens hold no binaries)
set -e
c=parent/charts
tar --numeric-owner --owner=0 --group=0 -czf $c/okdep-1.0.0.tgz -C src okdep
tar --numeric-owner --owner=0 --group=0 -czf $c/wrongdep-1.0.0.tgz -C src wrongdep
tar --numeric-owner --owner=0 --group=0 -czf $c/misdep-1.0.0.tgz -C src misdep
tar --numeric-owner --owner=0 --group=0 -czf $c/invdep-1.0.0.tgz -C src invdep
tar --numeric-owner --owner=0 --group=0 -czf $c/manydep-1.0.0.tgz -C src/many1 manydep
tar --numeric-owner --owner=0 --group=0 -czf $c/manydep-1.1.0.tgz -C src/many2 manydep
tar --numeric-owner --owner=0 --group=0 -czf $c/extra-1.0.0.tgz -C src extra
tar --numeric-owner --owner=0 --group=0 -czf $c/globdep-x.tgz -C src globdep
