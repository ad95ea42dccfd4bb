"""Does MetaFG compute what the MetaFormer code computes?

    pip install timm   # the MetaFormer code needs it; this package does not
    python benchmarks/metaformer_equivalence.py --official /path/to/MetaFormer

Builds the code's ``MetaFG_Meta`` (dqshuai/MetaFormer, ``models/``, imported
from the given checkout; nothing of it is part of this package) at a small
size with every parameter and BatchNorm statistic randomised, converts its
state dict with tools/model_converters/metaformer_to_diffult.py, loads it
into this package's ``MetaFG`` + a linear head (strict: no key missing or
left over) and compares the logits of the same images and meta vectors
(the code's order: month/hour then place; ours: place then month/hour), with
and without meta tokens. One record per case in
benchmarks/results/metaformer_equivalence.jsonl.
"""
import argparse
import datetime
import importlib.util
import json
import os.path as osp
import sys

import torch

ROOT = osp.dirname(osp.dirname(osp.abspath(__file__)))
sys.path.insert(0, ROOT)

SMALL = dict(conv_embed_dims=[16, 24, 32], attn_embed_dims=[48, 64],
             conv_depths=[2, 1, 2], attn_depths=[2, 1], num_heads=4)
OURS = dict(stem_channels=16, conv_stages=((24, 1), (32, 2)),
            attn_stages=((48, 2), (64, 1)), num_heads=4)


def _module(path: str, name: str):
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def randomise(model: torch.nn.Module) -> None:
    """Every parameter and BatchNorm statistic away from its initial value."""
    with torch.no_grad():
        for name, param in model.named_parameters():
            base = 1.0 if name.endswith('weight') and param.dim() == 1 else 0.
            param.copy_(torch.randn_like(param) * 0.2 + base)
        for module in model.modules():
            if isinstance(module, torch.nn.BatchNorm2d):
                module.running_mean.normal_(0, 0.1)
                module.running_var.uniform_(0.5, 1.5)


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument('--official', required=True,
                        help='a checkout of dqshuai/MetaFormer')
    parser.add_argument('--img-size', type=int, default=64)
    parser.add_argument('--out', default=osp.join(
        ROOT, 'benchmarks', 'results', 'metaformer_equivalence.jsonl'))
    args = parser.parse_args()
    sys.path.insert(0, args.official)
    from models.MetaFG_meta import MetaFG_Meta  # the code's, from --official

    import diffult_plugin  # noqa: F401
    from benchmarks.train_protocol import machine
    from diffult_plugin.models.backbones import MetaFG
    convert = _module(osp.join(ROOT, 'tools', 'model_converters',
                               'metaformer_to_diffult.py'), 'convert').convert
    torch.manual_seed(0)
    for meta_dims in ([4, 3], []):
        official = MetaFG_Meta(
            img_size=args.img_size, num_classes=5,
            extra_token_num=1 + len(meta_dims), add_meta=bool(meta_dims),
            meta_dims=meta_dims or [4, 3], **SMALL).eval()
        randomise(official)
        ours = MetaFG(OURS, img_size=args.img_size, stem_stride=4,
                      meta_dims=(3, 4) if meta_dims else ()).eval()
        head = torch.nn.Linear(OURS['attn_stages'][-1][0], 5)
        state = convert(official.state_dict())
        ours.load_state_dict({k[9:]: v for k, v in state.items()
                              if k.startswith('backbone.')}, strict=True)
        head.load_state_dict({k[8:]: v for k, v in state.items()
                              if k.startswith('head.fc.')}, strict=True)
        images = torch.randn(4, 3, args.img_size, args.img_size)
        with torch.no_grad():
            if meta_dims:
                temporal, place = torch.randn(4, 4), torch.randn(4, 3)
                theirs = official(images, torch.cat([temporal, place], 1))
                mine = head(ours(images, torch.cat([place, temporal], 1),
                                 torch.ones(4))[0])
            else:
                theirs = official(images)
                mine = head(ours(images)[0])
        record = dict(
            benchmark='metaformer_equivalence', meta_tokens=bool(meta_dims),
            img_size=args.img_size, parameters=sum(
                p.numel() for p in ours.parameters()),
            max_abs_difference=float((theirs - mine).abs().max()),
            logit_scale=float(theirs.abs().max()),
            date=datetime.datetime.now().isoformat(timespec='seconds'),
            machine=machine())
        with open(args.out, 'a') as f:
            f.write(json.dumps(record) + '\n')
        print(json.dumps(record))


if __name__ == '__main__':
    main()
