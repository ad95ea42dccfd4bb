"""Convert a checkpoint of the MetaFormer code (dqshuai/MetaFormer:
``MetaFG_0/1/2`` and ``MetaFG_meta_*``) to this package's ``MetaFG`` +
``LinearClsHead`` layout, so its ImageNet-1k / 21k / iNat21 weights start a
config of configs/metaformer/ (``load_from``).

    python tools/model_converters/metaformer_to_diffult.py \
        metafg_0_1k_224.pth work_dirs/pretrained/metafg-0_1k_224.pth

The same network either way: stem, MBConv blocks (mmpretrain's
``InvertedResidual`` names), transformer blocks, meta heads, the class-token
aggregation and the head are renamed one to one. Two values change place:

- the relative position tables: the code's extra tokens read row 0 of the
  table (its index is padded with 0), ours read the last row, so row 0 is
  copied into the last one (the same biases as in the code);
- the meta groups: the code's vector is (month, hour | place) with
  ``META_DIMS [4, 3]`` (``meta_1`` temporal, ``meta_2`` place), ours
  (place | month, hour) with ``meta_dims (3, 4)``; ``--meta-order 2 1``
  (default) gives our group g the code's group meta-order[g].

The classifier is kept (``head.fc``) unless ``--drop-head`` (fine-tuning on
other classes), the meta heads unless ``--drop-meta`` (the code's DORP_META,
for an ImageNet checkpoint loaded into a meta model).
"""
import argparse
import re
from typing import Dict, Sequence

import torch

from diffult_plugin.utils.converted_checkpoint import (
    load_foreign_tensors, rename_by_prefix, save_converted)

_MBCONV = [('_expand_conv.weight', 'expand_conv.conv.weight'),
           ('_bn0.', 'expand_conv.bn.'),
           ('_depthwise_conv.weight', 'depthwise_conv.conv.weight'),
           ('_bn1.', 'depthwise_conv.bn.'), ('_se_reduce.', 'se.conv1.conv.'),
           ('_se_expand.', 'se.conv2.conv.'),
           ('_project_conv.weight', 'linear_conv.conv.weight'),
           ('_bn2.', 'linear_conv.bn.')]
_MHSA = [('patch_embed.proj.', 'patch_embed.'),
         ('patch_embed.norm.', 'embed_norm.'), ('norm1.', 'norm1.'),
         ('attn.relative_position_bias_table', 'attn.bias_table'),
         ('attn.qkv.', 'attn.qkv.'), ('attn.proj.', 'attn.proj.'),
         ('norm2.', 'norm2.'), ('mlp.fc1.', 'mlp.0.'), ('mlp.fc2.', 'mlp.2.')]
_META = [('0.', 'net.0.'), ('2.', 'net.2.'), ('3.w1.', 'net.3.block.0.'),
         ('3.norm_fn1.', 'net.3.block.2.'), ('3.w2.', 'net.3.block.3.'),
         ('3.norm_fn2.', 'net.3.block.5.')]
_FIXED = [('bn1.', 'backbone.stem.7.'), ('norm_1.', 'backbone.cls_maps.0.0.'),
          ('cl_1_fc.0.fc1.', 'backbone.cls_maps.0.1.'),
          ('cl_1_fc.0.fc2.', 'backbone.cls_maps.0.3.'),
          ('cl_1_fc.1.', 'backbone.cls_maps.0.4.'),
          ('norm_2.', 'backbone.cls_maps.1.'),
          ('aggregate.', 'backbone.aggregate.'), ('norm.', 'backbone.norm.'),
          ('head.', 'head.fc.')]


def _rename(rest: str, table, key: str) -> str:
    return rename_by_prefix(rest, table, key, 'MetaFormer')


def convert(state: Dict[str, torch.Tensor],
            meta_order: Sequence[int] = (2, 1),
            drop_head: bool = False,
            drop_meta: bool = False) -> Dict[str, torch.Tensor]:
    """The MetaFormer code's state dict in this package's names (classifier
    keys start with ``backbone.`` / ``head.``)."""
    stage_1 = {int(m.group(1)) for k in state
               for m in [re.match(r'stage_1\.(\d+)\.', k)] if m}
    first_of_stage_2 = max(stage_1) + 1 if stage_1 else 0
    ours_of_official = {official: ours for ours, official in
                        enumerate(meta_order)}
    out = {}
    for key, value in state.items():
        if key.endswith('relative_position_index') or key == 'point_coord':
            continue  # buffers rebuilt by the model
        if drop_head and key.startswith('head.'):
            continue
        match = re.match(r'stage_0\.(\d+)\.(.*)', key)
        if match:
            out[f'backbone.stem.{match.group(1)}.{match.group(2)}'] = value
            continue
        match = re.match(r'stage_([12])\.(\d+)\.(.*)', key)
        if match:
            index = int(match.group(2)) + (first_of_stage_2 if match.group(1)
                                           == '2' else 0)
            out[f'backbone.conv_stages.{index}.'
                f'{_rename(match.group(3), _MBCONV, key)}'] = value
            continue
        match = re.match(r'stage_([34])\.(\d+)\.(.*)', key)
        if match:
            name = _rename(match.group(3), _MHSA, key)
            if name == 'attn.bias_table':
                value = value.clone()
                value[-1] = value[0]  # the code's extra-token row
            out[f'backbone.attn_stages.{int(match.group(1)) - 3}.'
                f'{match.group(2)}.{name}'] = value
            continue
        match = re.match(r'cls_token_([12])$', key)
        if match:
            out[f'backbone.cls_tokens.{int(match.group(1)) - 1}'] = value
            continue
        match = re.match(r'meta_(\d+)_head_([12])\.(.*)', key)
        if match:
            if drop_meta:
                continue
            group = int(match.group(1))
            if group not in ours_of_official:
                raise KeyError(f'{key}: meta group {group} is not in '
                               f'--meta-order {list(meta_order)}.')
            out[f'backbone.meta_encoders.{int(match.group(2)) - 1}.'
                f'{ours_of_official[group]}.'
                f'{_rename(match.group(3), _META, key)}'] = value
            continue
        out[_rename(key, _FIXED, key)] = value
    return out


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument('src', help="the MetaFormer code's checkpoint")
    parser.add_argument('dst', help='where to write the converted one')
    parser.add_argument('--meta-order', type=int, nargs='+', default=[2, 1])
    parser.add_argument('--drop-head', action='store_true')
    parser.add_argument('--drop-meta', action='store_true')
    args = parser.parse_args()
    # The code's checkpoints hold plain tensors (and an argparse config):
    # read the tensors only.
    checkpoint = load_foreign_tensors(
        args.src, "re-save its 'model' entry alone where the MetaFormer code "
        'runs (torch.save(ckpt["model"], path))')
    state = checkpoint.get('model', checkpoint.get('state_dict_ema',
                                                   checkpoint))
    converted = convert(state, args.meta_order, args.drop_head,
                        args.drop_meta)
    save_converted(converted, args.dst, args.src)


if __name__ == '__main__':
    main()
