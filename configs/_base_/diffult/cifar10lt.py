# DiffuLT settings for CIFAR-10-LT IF100 (see ./cifar100lt.py for use).
diffult_target = 5000  # N_t (= the head class)
diffult_synthetic_weight = 0.3  # omega
# The balanced proxy that wraps a classifier recipe's training set.
diffult_proxy = dict(
    type='DiffuLTDataset',
    target=diffult_target,
    synthetic_weight=diffult_synthetic_weight)
diffult_synthesis = dict(
    type='DiffuLTSynthesisHook',
    phi0_config='{{fileDirname}}/../../baselines/ce_resnet32_cifar10lt.py',
    generator_config='{{fileDirname}}/../../diffusion/'
    'diffult-ddpm_unet_cifar10lt.py',
    sampler='ddpm',
    num_steps=1000,
    guidance_scale=1.4,
    sample_batch_size=500,
    filter=dict(type='DiffuLTFilter', d_f='per_class', keep=('ID', 'AID')))
