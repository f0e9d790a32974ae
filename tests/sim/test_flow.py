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


@pytest.mark.parametrize("name", ["subscription_support", "web_phone_faq", "retail_omnichannel"])
def test_repeat_contacts_step_by_step_equal_the_bit_set_of_the_whole_log(name: str) -> None:
    from cxkit.core.compiled import compile_journey, cyclic_touchpoints, start_table
    from cxkit.sim._walk import Walker, end_outcomes, repeat_contacts

    j = cx.load_journey(name)
    a = compile_journey(j)
    forced, abandon = end_outcomes(j, a)
    walker = Walker(
        a, start_table(j), seed=3, max_steps=50, forced=forced, abandon=abandon, edge_wait=a.wait_s
    )
    v = walker.run(0, 5_000).visits
    for track in (cyclic_touchpoints(a) & a.is_service, np.ones(a.n, dtype=bool)):
        whole = repeat_contacts(v.customer, v.node, track, 5_000)
        steps = repeat_contacts(v.customer, v.node, track, 5_000, v.step_ptr)
        assert np.array_equal(whole, steps) and whole.dtype == steps.dtype == np.int64
    assert whole.any()
