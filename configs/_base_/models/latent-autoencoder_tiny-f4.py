# The latent DiffuLT generator's autoencoder: diffusers' AutoencoderKL
# ('tiny-f4': 32 x 32 RGB <-> 8 x 8 x 4 latents, ~2.6 M parameters, no
# attention), L1 reconstruction + a light KL term, trained on the
# long-tailed training set only (no external weights).
model = dict(
    type='LatentAutoencoder',
    autoencoder='tiny-f4',
    image_size=32,
    kl_weight=1e-4,
    data_preprocessor=dict(type='DiffusionDataPreprocessor', to_rgb=True))
