"""The stages, one module or package each, in the order of the default plan.

    normalise   clean text and the offset map back to the raw text
    segment     sections, sentences, tokens
    entities    the rule stage (entities.rule)
    ner         the model stage (entities.model)
    values      DATE / MONEY / QUANTITY (values.grammar, values.proposals, both)
    merge       candidates -> mentions (merge, merge.model_only)
    events      events with their arguments
    ids         T1../E1.. ids
    baselines   comparison stages for `bnevents eval --stages`

`base.py` holds the protocol every stage follows, the registry and the plans.
"""
