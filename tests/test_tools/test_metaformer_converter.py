"""tools/model_converters/metaformer_to_diffult.py: the MetaFormer code's
names to MetaFG's, by hand on the keys where the layouts differ.
(benchmarks/metaformer_equivalence.py checks a whole converted network
against the code's own forward.)"""

import pytest
import torch

from tests.fixtures import load_script



def _convert():
    return load_script('tools', 'model_converters',
                       'metaformer_to_diffult.py').convert


def test_keys_and_values_where_the_layouts_differ():
    convert = _convert()
    table = torch.arange(10.).reshape(5, 2)  # (2h-1)(2w-1)+1 rows, 2 heads
    state = {
        'stage_0.0.weight': torch.zeros(1),
        'bn1.running_var': torch.ones(1),
        'stage_1.0._expand_conv.weight': torch.zeros(1),
        'stage_1.1._se_reduce.bias': torch.zeros(1),
        'stage_2.0._bn2.weight': torch.zeros(1),
        'stage_3.0.patch_embed.proj.weight': torch.zeros(1),
        'stage_3.0.attn.relative_position_bias_table': table,
        'stage_3.0.attn.relative_position_index': torch.zeros(1),
        'stage_4.1.mlp.fc2.bias': torch.zeros(1),
        'cls_token_2': torch.zeros(1),
        'meta_1_head_1.3.w2.weight': torch.full((1, ), 1.0),
        'meta_2_head_2.0.bias': torch.full((1, ), 2.0),
        'cl_1_fc.0.fc2.weight': torch.zeros(1),
        'norm_2.bias': torch.zeros(1),
        'head.weight': torch.zeros(1),
    }
    out = convert(state)
    assert set(out) == {
        'backbone.stem.0.weight', 'backbone.stem.7.running_var',
        'backbone.conv_stages.0.expand_conv.conv.weight',
        'backbone.conv_stages.1.se.conv1.conv.bias',
        # stage_2 continues after stage_1's two blocks
        'backbone.conv_stages.2.linear_conv.bn.weight',
        'backbone.attn_stages.0.0.patch_embed.weight',
        'backbone.attn_stages.0.0.attn.bias_table',
        'backbone.attn_stages.1.1.mlp.2.bias', 'backbone.cls_tokens.1',
        # the code's meta_1 (month, hour) is our group 1, meta_2 (place) 0
        'backbone.meta_encoders.0.1.net.3.block.3.weight',
        'backbone.meta_encoders.1.0.net.0.bias',
        'backbone.cls_maps.0.3.weight', 'backbone.cls_maps.1.bias',
        'head.fc.weight'
    }
    converted = out['backbone.attn_stages.0.0.attn.bias_table']
    # Extra tokens read the last row here, row 0 in the code.
    assert torch.equal(converted[-1], table[0])
    assert torch.equal(converted[:-1], table[:-1])
    assert torch.equal(table[-1], torch.tensor([8., 9.]))  # input untouched
    assert 'head.fc.weight' not in convert(state, drop_head=True)
    assert not any('meta_encoders' in k
                   for k in convert(state, drop_meta=True))
    with pytest.raises(KeyError, match='no rule'):
        convert({'something_else.weight': torch.zeros(1)})
