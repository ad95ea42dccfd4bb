# DiffuLT on 2 CPU cores for real CIFAR-10-LT IF100 (the JPEG folder),
# scaled down (see ../../diffult_resnet32_cifar10lt-jpg_cpu.py):
#   phi0       CE ResNet-32, 10 epochs (compressed BBN schedule)
#   generator  the tiny CPU generator (1.1 M parameters, 750 iterations)
#   bank       N_t = 1000: 4,464 synthetic slots, DDIM 25 steps,
#              phi0-distance filter (OOD dropped)
diffult_target = 1000
diffult_synthetic_weight = 0.3
# The balanced proxy that wraps a classifier recipe's training set.
diffult_proxy = dict(
    type='DiffuLTDataset',
    target=diffult_target,
    synthetic_weight=diffult_synthetic_weight)
diffult_synthesis = dict(
    type='DiffuLTSynthesisHook',
    phi0_config='{{fileDirname}}/../../baselines/'
    'ce_resnet32_cifar10lt-jpg_cpu-20e.py',
    # 10 epochs: phi0 only has to give features.
    phi0_cfg_options={
        'train_cfg.max_epochs': 10,
        'train_cfg.val_interval': 10,
        'param_scheduler.1.milestones': [6, 8],
    },
    generator_config='{{fileDirname}}/../../diffusion/'
    'diffult-tiny_unet_cifar10lt-jpg_cpu.py',
    # Without L_AID: on this 750-iteration model L_AID as printed dominates
    # the loss and ruins denoising (benchmarks/RESULTS.md, "the tiny CPU
    # config": phi0-FD 31.9 with it, 27.9 without).
    generator_cfg_options={
        'model.aid': None,
        'train_cfg.val_interval': 750,
    },
    sampler='ddim',
    num_steps=25,
    guidance_scale=0.0,
    sample_batch_size=250,
    filter=dict(type='DiffuLTFilter', d_f='per_class', keep=('ID', 'AID')))
