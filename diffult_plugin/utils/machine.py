"""The name of the machine a result was measured on, for records."""
import os
import platform


def machine_name() -> str:
    """The GPU's name when one is visible, else ``'<CPU model>, <n> cores'``
    (the CPU model from /proc/cpuinfo where there is one)."""
    import torch
    if torch.cuda.is_available():
        return torch.cuda.get_device_name()
    cpu = platform.processor() or platform.machine()
    try:
        with open('/proc/cpuinfo') as f:
            for line in f:
                if line.startswith('model name'):
                    cpu = line.split(':', 1)[1].strip()
                    break
    except OSError:
        pass
    return f'{cpu}, {os.cpu_count()} cores'
