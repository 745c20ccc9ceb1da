"""The domain model: plain Python, standard library only.

Units (Sở Công Thương), clusters (cụm thi đua) and pacts (giao ước thi đua) are
event-sourced aggregates: a command is a function that checks invariants against
the current state and returns new events; ``apply`` folds an event into state.
"""
