# The latent DiffuLT generator stage for any dataset, CPU-sized (the model of
# configs/diffusion/diffult-latent-tiny_unet_cifar10lt-jpg_cpu.py) without
# data. DiffuLTPipeline first trains its autoencoder (the stage config
# named in model.autoencoder.config, in <stages>/autoencoder), hands the
# checkpoint in, then trains this generator on the classifier's set.
_base_ = ['./generator_tiny-unet_cpu.py']
model = dict(
    unet='latent-tiny',
    autoencoder=dict(
        config='{{fileDirname}}/autoencoder_tiny-f4_cpu.py',
        checkpoint=None))  # filled in by the pipeline
train_dataloader = dict(batch_size=128)
