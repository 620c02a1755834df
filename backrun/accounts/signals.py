"""What accounts tells the rest of the app, so the packages that keep a runner's data depend on
accounts and never the other way round."""

from __future__ import annotations

from blinker import Namespace

_signals = Namespace()

# Sent with the User while the account is being deleted, inside its transaction and before its
# row goes: a receiver deletes what its package keeps for the runner and does not commit.
account_deleting = _signals.signal("account-deleting")
