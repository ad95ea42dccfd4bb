"""A squeeze-and-excitation block with a configurable gate."""
import torch
import torch.nn as nn
from mmpretrain.registry import MODELS

from .adaptive_parametric_activation import build_activation


@MODELS.register_module()
class SqueezeExcitation(nn.Module):
    """Channel re-weighting ``x * gate(MLP(GAP(x)))``.

    `Squeeze-and-Excitation Networks <https://arxiv.org/abs/1709.01507>`_
    (Hu et al., CVPR 2018). With ``gate_cfg=dict(type='APA')``,
    ``layer_norm=True`` and ``dropout=0.1`` it is the APA-gated SE block of
    `Adaptive Parametric Activation <https://arxiv.org/abs/2407.08567>`_
    (Alexandridis et al., ECCV 2024), Sec. 3.3: the pooled descriptor is
    layer-normalised and the excitation is dropped out before the gate.

    Args:
        channels (int): Channels of ``x``.
        ratio (int): Reduction of the hidden layer. Defaults to 4.
        gate_cfg (dict): The gate. Defaults to ``dict(type='Sigmoid')``.
        act_cfg (dict): Activation of the hidden layer. Defaults to ReLU.
        layer_norm (bool): Layer-normalise the pooled descriptor.
            Defaults to False.
        dropout (float): Dropout on the excitation, before the gate.
            Defaults to 0.
        bias (bool): Biases in the two linear layers. Defaults to False, as
            in the official APA / AGLU code and the common SE implementation
            it credits (senet.pytorch).
    """

    def __init__(self,
                 channels: int,
                 ratio: int = 4,
                 gate_cfg: dict = dict(type='Sigmoid'),
                 act_cfg: dict = dict(type='ReLU'),
                 layer_norm: bool = False,
                 dropout: float = 0.0,
                 bias: bool = False):
        super().__init__()
        if ratio < 1 or channels % ratio:
            raise ValueError(f'SqueezeExcitation: ratio must divide the '
                             f'{channels} channels, got {ratio}.')
        if not 0 <= dropout < 1:
            raise ValueError(f'SqueezeExcitation: dropout must lie in [0, 1),'
                             f' got {dropout}.')
        hidden = channels // ratio
        self.norm = nn.LayerNorm(channels) if layer_norm else nn.Identity()
        self.excitation = nn.Sequential(
            nn.Linear(channels, hidden, bias=bias), build_activation(act_cfg),
            nn.Linear(hidden, channels, bias=bias), nn.Dropout(dropout))
        self.gate = build_activation(gate_cfg)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        squeezed = self.norm(x.mean(dim=(2, 3)))
        weights = self.gate(self.excitation(squeezed))
        return x * weights[:, :, None, None]
