Use ``dataclasses`` instead of ``attrs`` for ``ClientTimeout``, client signals, and other few internal structures.
