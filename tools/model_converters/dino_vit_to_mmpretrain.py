"""Convert a DINO ViT checkpoint (facebookresearch/dino, e.g.
``dino_vitbase16_pretrain.pth``, the backbone of the P2OT code) to
mmpretrain's ``VisionTransformer`` names, for the ``init_cfg`` of the
configs in configs/p2ot/.

    python tools/model_converters/dino_vit_to_mmpretrain.py \
        dino_vitbase16_pretrain.pth work_dirs/pretrained/dino_vit-base-p16.pth

DINO's ViT has the layout of the timm ViT (pre-norm blocks, qkv with bias,
GELU MLP, LayerNorm eps 1e-6, a final norm, the class token as output), so
every tensor maps one to one; keys get the ``backbone.`` prefix (load them
with ``init_cfg=dict(type='Pretrained', checkpoint=..., prefix='backbone.')``).
A DINO training checkpoint (``checkpoint.pth``, student and teacher) is read
from its ``teacher`` entry, the network DINO evaluates, with its
``backbone.`` prefix and the projection head dropped.
"""
import argparse
import re
from typing import Dict

import torch

from diffult_plugin.utils.converted_checkpoint import (
    load_foreign_tensors, rename_by_prefix, save_converted)

_BLOCK = [('norm1.', 'ln1.'), ('attn.qkv.', 'attn.qkv.'),
          ('attn.proj.', 'attn.proj.'), ('norm2.', 'ln2.'),
          ('mlp.fc1.', 'ffn.layers.0.0.'), ('mlp.fc2.', 'ffn.layers.1.')]
_FIXED = [('cls_token', 'cls_token'), ('pos_embed', 'pos_embed'),
          ('patch_embed.proj.', 'patch_embed.projection.'),
          ('norm.', 'ln1.')]


def _rename(rest: str, table, key: str) -> str:
    return rename_by_prefix(rest, table, key, 'DINO ViT')


def convert(state: Dict[str, torch.Tensor]) -> Dict[str, torch.Tensor]:
    """DINO's ViT state dict in mmpretrain's ``VisionTransformer`` names,
    prefixed ``backbone.``."""
    out = {}
    for key, value in state.items():
        key = key[len('module.'):] if key.startswith('module.') else key
        if key.startswith('head.'):
            continue  # DINO's projection head (a training checkpoint)
        key = key[len('backbone.'):] if key.startswith('backbone.') else key
        match = re.match(r'blocks\.(\d+)\.(.*)', key)
        if match:
            name = f'layers.{match.group(1)}.' \
                   f'{_rename(match.group(2), _BLOCK, key)}'
        else:
            name = _rename(key, _FIXED, key)
        out['backbone.' + name] = value
    return out


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument('src', help="DINO's checkpoint")
    parser.add_argument('dst', help='where to write the converted one')
    args = parser.parse_args()
    checkpoint = load_foreign_tensors(
        args.src, 're-save its network weights alone where DINO runs '
        '(torch.save(ckpt["teacher"], path))')
    save_converted(convert(checkpoint.get('teacher', checkpoint)), args.dst,
                   args.src)


if __name__ == '__main__':
    main()
