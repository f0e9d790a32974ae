"""sim._flow: the per-visit moments and per-customer metrics Monte Carlo and the event
generator share."""

from __future__ import annotations

import numpy as np
import pytest

import cxkit as cx
from cxkit.sim import ErlangAQueue, _flow, simulate


@pytest.mark.parametrize(
    ("name", "options"),
    [
        ("subscription_support", {}),
        ("b2b_saas_onboarding", {"waits": "exponential"}),
        ("billing_inquiry", {"queues": {"agent": ErlangAQueue(10, 220, 180, 60)}}),
    ],
)
def test_counts_summed_as_digits_equal_counts_summed_one_by_one(
    name: str, options: dict, monkeypatch: pytest.MonkeyPatch
) -> None:
    j = cx.load_journey(name)
    packed = simulate(j, 3_000, seed=5, **options).data
    monkeypatch.setattr(_flow, "_EXACT_BITS", 0)  # no packing: one bincount per count
    single = simulate(j, 3_000, seed=5, **options).data
    for column in ("contacts", "service_contacts", "channel_switches", "transfers"):
        assert np.array_equal(packed[column], single[column]), column
    assert np.array_equal(packed["context_losses"], single["context_losses"])
    assert packed["context_losses"].dtype == np.int64 and packed["contacts"].dtype == np.int64
