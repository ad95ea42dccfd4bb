import torch
from mmpretrain.registry import OPTIM_WRAPPERS

from diffult_plugin.engine import CPUAutocastOptimWrapper


def test_forward_runs_in_bfloat16_and_weights_stay_float32():
    assert OPTIM_WRAPPERS.get('CPUAutocastOptimWrapper') is \
        CPUAutocastOptimWrapper
    model = torch.nn.Linear(4, 2)
    wrapper = CPUAutocastOptimWrapper(
        optimizer=torch.optim.SGD(model.parameters(), lr=0.1))
    with wrapper.optim_context(model):
        out = model(torch.randn(3, 4))
    assert out.dtype == torch.bfloat16
    before = model.weight.detach().clone()
    wrapper.update_params(out.float().pow(2).mean())
    assert model.weight.dtype == torch.float32
    assert not torch.equal(before, model.weight)
