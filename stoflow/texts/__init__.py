"""Message tables per feature, merged into `stoflow.i18n.MESSAGES`.

Each module defines `MESSAGES` (key: (English, French)) and `ERROR_CODES` (codes the
services return, which the UI translates from a Var). A key may be defined only once.
"""
