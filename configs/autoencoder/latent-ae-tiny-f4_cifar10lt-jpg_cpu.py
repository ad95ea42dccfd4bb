# The autoencoder of the latent DiffuLT generator on real CIFAR-10-LT IF100
# (the CIFAR-10 JPEGs): 32 x 32 RGB <-> 8 x 8 x 4 normalised latents,
# trained on the long-tailed training set only (no external weights), L1 +
# a light KL term; about 10 minutes on 2 cores. The generator
# configs/diffusion/diffult-latent-tiny_unet_cifar10lt-jpg_cpu.py denoises
# its latents; DiffuLTPipeline trains it as a stage of its own.
#
#   python tools/train.py configs/autoencoder/latent-ae-tiny-f4_cifar10lt-jpg_cpu.py
_base_ = [
    '../_base_/models/latent-autoencoder_tiny-f4.py',
    '../_base_/datasets/cifar10lt-jpg_diffusion_bs128.py',
    '../_base_/schedules/autoencoder-cpu_adam_1000it.py',
    '../_base_/default_runtime.py',
]
train_dataloader = dict(batch_size=64)
# Reconstruction-only: no generation to validate (the base's label set).
val_dataloader = None
val_cfg = None
val_evaluator = None
log_processor = dict(by_epoch=False)
default_hooks = dict(
    logger=dict(interval=20, log_metric_by_epoch=False),
    checkpoint=dict(by_epoch=False, interval=200, max_keep_ckpts=2))
