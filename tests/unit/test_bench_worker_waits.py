"""bench/worker_waits.py sorts a worker's /proc state and wchan into what it waits for."""

from bench.worker_waits import KINDS, WaitSampler, _kind


def test_states_and_kernel_functions_name_the_wait():
    assert _kind("R", "") == "running or ready"
    assert _kind("S", "poll_schedule_timeout.constprop.0") == "waiting for a request"
    assert _kind("S", "locks_lock_inode_wait") == "write queue (flock)"
    assert _kind("D", "folio_wait_bit") == "disk"
    assert _kind("S", "wait_woken") == "other sleep"


def test_the_system_call_tells_a_request_from_postgresqls_answer():
    """Both sleep in poll_schedule_timeout: gunicorn's sync worker in pselect6 (270), psycopg
    in poll (7); an unreadable syscall file counts as waiting for a request, as before."""
    wchan = "poll_schedule_timeout.constprop.0"
    assert _kind("S", wchan, 270) == "waiting for a request"
    assert _kind("S", wchan, 23) == "waiting for a request"
    assert _kind("S", wchan, None) == "waiting for a request"
    assert _kind("S", wchan, 7) == "waiting for PostgreSQL"
    assert _kind("S", "do_epoll_wait", 232) == "waiting for PostgreSQL"
    assert _kind("S", "locks_lock_inode_wait", 73) == "write queue (flock)"  # flock itself


def test_a_sleeping_process_reads_its_own_system_call():
    """This very process, asleep in select in a thread the test watches."""
    import os
    import select
    import socket
    import threading
    import time

    from bench.worker_waits import _syscall

    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen()
    tid = []
    thread = threading.Thread(
        target=lambda: (tid.append(threading.get_native_id()),
                        select.select([listener], [], [], 2)), daemon=True)  # fmt: skip
    thread.start()
    time.sleep(0.2)
    try:
        number = _syscall(f"{os.getpid()}/task/{tid[0]}")
    finally:
        listener.close()
    assert number in (23, 270)


def test_a_window_gives_each_kind_its_share_of_the_samples():
    sampler = WaitSampler(lambda: [])
    sampler.by_second = {100: {KINDS[0]: 3, KINDS[1]: 1}, 101: {KINDS[2]: 4}, 200: {KINDS[3]: 9}}
    assert sampler.share(100, 102) == {KINDS[0]: 37.5, KINDS[1]: 12.5, KINDS[2]: 50.0,
                                       KINDS[3]: 0.0, KINDS[4]: 0.0, KINDS[5]: 0.0}  # fmt: skip
    assert sampler.share(300, 400) is None
