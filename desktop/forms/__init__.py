"""Screen state as plain classes: what a form would post, what a wizard will do.

No Qt and no database here: the widgets adapt these, and tests drive them directly
(the GUI models of moneyGuru).
"""
