"""Mixed precision on the CPU (mmengine's AmpOptimWrapper needs a GPU)."""
from contextlib import contextmanager

import torch
from mmengine.optim import OptimWrapper
from mmpretrain.registry import OPTIM_WRAPPERS


@OPTIM_WRAPPERS.register_module()
class CPUAutocastOptimWrapper(OptimWrapper):
    """Run the forward pass under ``torch.autocast('cpu', bfloat16)``.

    Weights, gradients and the optimizer state stay in float32; matmuls and
    convolutions run in bfloat16. On the 2-core development CPU this makes
    the tiny DiffuLT UNet's train step ~1.5x faster
    (benchmarks/diffusion_speed.py). bfloat16 has float32's range, so no
    loss scaling is needed. On a GPU use mmengine's ``AmpOptimWrapper``.

    Args:
        dtype (str): 'bfloat16' (default) or 'float16'.
        **kwargs: Arguments of :class:`mmengine.optim.OptimWrapper`.
    """

    def __init__(self, dtype: str = 'bfloat16', **kwargs):
        super().__init__(**kwargs)
        self.cast_dtype = getattr(torch, dtype)

    @contextmanager
    def optim_context(self, model):
        with super().optim_context(model), torch.autocast(
                device_type='cpu', dtype=self.cast_dtype):
            yield
