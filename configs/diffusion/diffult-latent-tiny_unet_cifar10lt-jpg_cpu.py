# Latent DiffuLT on real CIFAR-10-LT IF100 (issue: a generator ten times
# cheaper): the tiny CPU generator's losses and sampling (L_DDPM + L_CBDM,
# CFG, DDIM 25 steps with w = 8) on the 8 x 8 x 4 latents of an autoencoder
# trained on the same long-tailed set
# (configs/autoencoder/latent-ae-tiny-f4_cifar10lt-jpg_cpu.py). A step on a
# batch of 128 latents costs about half a pixel step on 64 images here, so
# it sees about 4x more images per CPU minute than
# diffult-tiny_unet_cifar10lt-jpg_cpu.py. Samples are decoded to 32 x 32.
#
#   python tools/train.py configs/autoencoder/latent-ae-tiny-f4_cifar10lt-jpg_cpu.py \
#       --work-dir work_dirs/latent-ae
#   export DIFFULT_AE_CHECKPOINT=work_dirs/latent-ae/iter_1000.pth
#   python tools/train.py configs/diffusion/diffult-latent-tiny_unet_cifar10lt-jpg_cpu.py
_base_ = ['./diffult-tiny_unet_cifar10lt-jpg_cpu.py']
model = dict(
    unet='latent-tiny',
    autoencoder=dict(
        config='{{fileDirname}}/../autoencoder/'
        'latent-ae-tiny-f4_cifar10lt-jpg_cpu.py',
        checkpoint='{{$DIFFULT_AE_CHECKPOINT:work_dirs/latent-ae/iter_1000.pth}}'))  # noqa: E501
train_dataloader = dict(batch_size=128)
