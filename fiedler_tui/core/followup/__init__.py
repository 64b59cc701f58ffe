"""Follow-ups: a saved run's models each continue their own conversation, as the run's next turn.

``layout`` says where a turn is written, ``thread`` reads a run's turns back, ``conversation``
rebuilds each model's conversation (refusing what cannot be rebuilt exactly: ``refused``),
``system_prompt`` finds the run's system prompt again, ``package`` finds the run's files again
and checks the rebuilt package and each model's share of it under the egress rules, ``prepare``
is the follow-up's dry run, and ``session`` sends and records a turn.
"""
