"""tools/model_converters/dino_vit_to_mmpretrain.py: a DINO-layout ViT's
weights, converted and loaded strictly into mmpretrain's
``VisionTransformer``, give the features of DINO's forward written out by
hand from the same tensors."""

import pytest
import torch
import torch.nn.functional as F

from tests.fixtures import load_script

DIM, HEADS, LAYERS, HIDDEN, PATCH, SIZE = 16, 2, 2, 32, 8, 16


def _convert():
    return load_script('tools', 'model_converters',
                       'dino_vit_to_mmpretrain.py').convert


def _dino_state():
    """Random tensors in DINO's vision_transformer.py names and shapes."""
    g = torch.Generator().manual_seed(0)

    def r(*shape):
        return 0.2 * torch.randn(*shape, generator=g)

    tokens = (SIZE // PATCH)**2 + 1
    state = {'cls_token': r(1, 1, DIM), 'pos_embed': r(1, tokens, DIM),
             'patch_embed.proj.weight': r(DIM, 3, PATCH, PATCH),
             'patch_embed.proj.bias': r(DIM), 'norm.weight': 1 + r(DIM),
             'norm.bias': r(DIM)}
    for i in range(LAYERS):
        b = f'blocks.{i}.'
        state.update({
            b + 'norm1.weight': 1 + r(DIM), b + 'norm1.bias': r(DIM),
            b + 'attn.qkv.weight': r(3 * DIM, DIM),
            b + 'attn.qkv.bias': r(3 * DIM),
            b + 'attn.proj.weight': r(DIM, DIM), b + 'attn.proj.bias': r(DIM),
            b + 'norm2.weight': 1 + r(DIM), b + 'norm2.bias': r(DIM),
            b + 'mlp.fc1.weight': r(HIDDEN, DIM), b + 'mlp.fc1.bias': r(HIDDEN),
            b + 'mlp.fc2.weight': r(DIM, HIDDEN), b + 'mlp.fc2.bias': r(DIM)})
    return state


def _dino_forward(s, x):
    """DINO's VisionTransformer.forward: patch tokens + class token +
    position embedding, pre-norm blocks, final norm, the class token."""
    def ln(t, p):
        return F.layer_norm(t, (DIM, ), s[p + '.weight'], s[p + '.bias'],
                            eps=1e-6)

    x = F.conv2d(x, s['patch_embed.proj.weight'], s['patch_embed.proj.bias'],
                 stride=PATCH).flatten(2).transpose(1, 2)
    x = torch.cat([s['cls_token'].expand(len(x), -1, -1), x], 1)
    x = x + s['pos_embed']
    n, t, _ = x.shape
    for i in range(LAYERS):
        b = f'blocks.{i}.'
        qkv = F.linear(ln(x, b + 'norm1'), s[b + 'attn.qkv.weight'],
                       s[b + 'attn.qkv.bias'])
        q, k, v = qkv.reshape(n, t, 3, HEADS, DIM // HEADS).permute(
            2, 0, 3, 1, 4)
        attn = (q @ k.transpose(-2, -1) * (DIM // HEADS)**-0.5).softmax(-1)
        out = (attn @ v).transpose(1, 2).reshape(n, t, DIM)
        x = x + F.linear(out, s[b + 'attn.proj.weight'],
                         s[b + 'attn.proj.bias'])
        hidden = F.gelu(F.linear(ln(x, b + 'norm2'), s[b + 'mlp.fc1.weight'],
                                 s[b + 'mlp.fc1.bias']))
        x = x + F.linear(hidden, s[b + 'mlp.fc2.weight'],
                         s[b + 'mlp.fc2.bias'])
    return ln(x, 'norm')[:, 0]


def test_converted_weights_give_dinos_features():
    from mmpretrain.models import VisionTransformer
    state = _dino_state()
    converted = _convert()(state)
    assert all(k.startswith('backbone.') for k in converted)
    model = VisionTransformer(
        arch=dict(embed_dims=DIM, num_layers=LAYERS, num_heads=HEADS,
                  feedforward_channels=HIDDEN),
        img_size=SIZE, patch_size=PATCH, out_type='cls_token')
    model.eval()  # (mmpretrain's ViT.train returns None)
    model.load_state_dict({k[len('backbone.'):]: v
                           for k, v in converted.items()}, strict=True)
    x = torch.randn(3, 3, SIZE, SIZE, generator=torch.Generator()
                    .manual_seed(1))
    with torch.no_grad():
        ours = model(x)[-1]
    assert torch.allclose(ours, _dino_forward(state, x), atol=1e-5)


def test_a_training_checkpoint_reads_as_its_backbone():
    convert = _convert()
    state = {'backbone.blocks.0.norm1.weight': torch.ones(2),
             'backbone.norm.bias': torch.zeros(2),
             'head.mlp.0.weight': torch.zeros(2, 2)}
    assert sorted(convert(state)) == ['backbone.layers.0.ln1.weight',
                                      'backbone.ln1.bias']
    with pytest.raises(KeyError, match='blocks.0.unknown'):
        convert({'blocks.0.unknown': torch.zeros(1)})
