"""The Adaptive Parametric Activation (APA) and its gated linear unit (AGLU).

`Adaptive Parametric Activation <https://arxiv.org/abs/2407.08567>`_
(Alexandridis et al., ECCV 2024), Eq. 3-4.
"""
from typing import Tuple

import torch
import torch.nn as nn
import torch.nn.functional as F
from mmpretrain.registry import MODELS

#: Smallest lambda used in the formula: lambda -> 0 is the Gumbel limit, but
#: 1 / lambda must stay finite.
MIN_LAMBDA = 1e-4


def apa(z: torch.Tensor, lambda_: torch.Tensor,
        kappa: torch.Tensor) -> torch.Tensor:
    """``APA(z) = (lambda exp(-kappa z) + 1) ** (-1 / lambda)``.

    Computed as ``exp(-softplus(log lambda - kappa z) / lambda)``, which is
    the same function without overflow for large ``|kappa z|``. lambda = kappa
    = 1 gives the sigmoid; lambda -> 0 the Gumbel CDF ``exp(-exp(-kappa z))``.
    """
    lambda_ = lambda_.clamp_min(MIN_LAMBDA)
    return torch.exp(-F.softplus(torch.log(lambda_) - kappa * z) / lambda_)


def _check_range(name: str, value: Tuple[float, float]) -> Tuple[float, float]:
    low, high = (float(v) for v in value)
    if not low <= high:
        raise ValueError(f'{name} must be (low, high) with low <= high, got '
                         f'{tuple(value)}.')
    return low, high


@MODELS.register_module()
class APA(nn.Module):
    """Adaptive Parametric Activation with a learnable scalar lambda and
    kappa per activation site.

    A generalised sigmoid: used as the gate of squeeze-and-excitation blocks
    in the paper's SE-ResNets. lambda controls the asymmetry (1 = sigmoid, 0 =
    Gumbel), kappa the slope.

    Args:
        lambda_init (tuple[float, float]): lambda is drawn from U(low, high)
            at construction. Defaults to (0, 1), as in the official code.
        kappa_init (tuple[float, float]): kappa is drawn from U(low, high).
            Defaults to (0, 1); the official SE gate draws it from (-1, 0)
            while its README shows (0, 1), the paper does not say.
    """

    def __init__(self,
                 lambda_init: Tuple[float, float] = (0.0, 1.0),
                 kappa_init: Tuple[float, float] = (0.0, 1.0)):
        super().__init__()
        self.lambda_init = _check_range(f'{type(self).__name__}.lambda_init',
                                        lambda_init)
        self.kappa_init = _check_range(f'{type(self).__name__}.kappa_init',
                                       kappa_init)
        self.lambda_ = nn.Parameter(torch.empty(()))
        self.kappa = nn.Parameter(torch.empty(()))
        self.reset_parameters()

    def reset_parameters(self) -> None:
        nn.init.uniform_(self.lambda_, *self.lambda_init)
        nn.init.uniform_(self.kappa, *self.kappa_init)

    def forward(self, z: torch.Tensor) -> torch.Tensor:
        return apa(z, self.lambda_, self.kappa)

    def extra_repr(self) -> str:
        return (f'lambda={self.lambda_.item():.4g}, '
                f'kappa={self.kappa.item():.4g}')


@MODELS.register_module()
class AGLU(APA):
    """Adaptive Generalised Linear Unit: ``z * APA(z)``.

    Replaces ReLU in the paper's ResNets. lambda = kappa = 1 gives SiLU; kappa
    -> inf gives ReLU.

    Args:
        lambda_init (tuple[float, float]): Defaults to (0, 1).
        kappa_init (tuple[float, float]): Defaults to (0.8, 1.2), as in the
            official code.
    """

    def __init__(self,
                 lambda_init: Tuple[float, float] = (0.0, 1.0),
                 kappa_init: Tuple[float, float] = (0.8, 1.2)):
        super().__init__(lambda_init, kappa_init)

    def forward(self, z: torch.Tensor) -> torch.Tensor:
        return z * apa(z, self.lambda_, self.kappa)


def build_activation(act_cfg: dict) -> nn.Module:
    """A fresh activation module from a config (``dict(type='ReLU')``,
    ``dict(type='AGLU')``...); each call gives its own parameters."""
    if not isinstance(act_cfg, dict) or 'type' not in act_cfg:
        raise ValueError(f'act_cfg must be a dict with a type, e.g. '
                         f"dict(type='ReLU'), got {act_cfg!r}.")
    return MODELS.build(dict(act_cfg))


__all__ = ['APA', 'AGLU', 'apa', 'build_activation']
