"""The council's seats by article L5211-6-1 CGCT (docs/SEATS.md, docs/DOMAIN.md §9).

`compute.py` is a pure computation (no database, no Django): from the EPCI's nature and its
communes' municipal populations it returns the droit-commun distribution with every step and
its paragraph; `agreement.py` checks a proposed local agreement (I 2°) or optional seats (VI).
"""
