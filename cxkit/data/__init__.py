"""Event logs: a generator of synthetic ones and the examples shipped with cxkit.

>>> import cxkit as cx
>>> cx.data.list_examples()
['retail_omnichannel', 'subscription_support']
>>> events = cx.data.load_example("retail_omnichannel")
>>> events.columns == list(cx.data.EVENT_COLUMNS)
True
>>> log = cx.data.generate_events(cx.load_journey("web_phone_faq"), 100, seed=1)
>>> log["customer_id"].n_unique()
100
>>> sales = cx.data.load_transactions("retail_omnichannel")  # the same customers
>>> sales.columns
['customer_id', 'date', 'amount']
"""

from cxkit.data.examples import example_path, list_examples, load_example, read_events_csv
from cxkit.data.generate import EVENT_COLUMNS, EVENT_SCHEMA, OPTIONAL_COLUMNS, generate_events
from cxkit.data.long_journey import long_journey
from cxkit.data.synthetic import random_journey
from cxkit.data.transactions import (
    TRANSACTION_SCHEMA,
    generate_transactions,
    load_transactions,
    transactions_path,
)

__all__ = [
    "EVENT_COLUMNS",
    "EVENT_SCHEMA",
    "OPTIONAL_COLUMNS",
    "TRANSACTION_SCHEMA",
    "example_path",
    "generate_events",
    "generate_transactions",
    "list_examples",
    "load_example",
    "load_transactions",
    "long_journey",
    "random_journey",
    "read_events_csv",
    "transactions_path",
]
