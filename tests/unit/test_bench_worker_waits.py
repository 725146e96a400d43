"""bench/worker_waits.py sorts a worker's /proc state and wchan into what it waits for."""

from bench.worker_waits import KINDS, WaitSampler, _kind


def test_states_and_kernel_functions_name_the_wait():
    assert _kind("R", "") == "running or ready"
    assert _kind("S", "poll_schedule_timeout.constprop.0") == "waiting for a request"
    assert _kind("S", "locks_lock_inode_wait") == "write queue (flock)"
    assert _kind("D", "folio_wait_bit") == "disk"
    assert _kind("S", "wait_woken") == "other sleep"


def test_a_window_gives_each_kind_its_share_of_the_samples():
    sampler = WaitSampler(lambda: [])
    sampler.by_second = {100: {KINDS[0]: 3, KINDS[1]: 1}, 101: {KINDS[2]: 4}, 200: {KINDS[3]: 9}}
    assert sampler.share(100, 102) == {KINDS[0]: 37.5, KINDS[1]: 12.5, KINDS[2]: 50.0,
                                       KINDS[3]: 0.0, KINDS[4]: 0.0}  # fmt: skip
    assert sampler.share(300, 400) is None
